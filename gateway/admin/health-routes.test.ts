import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readyReport } from './health-routes.js';

it('collects one section per component, in order, and is ready unless a component says otherwise', () => {
  const wal = { name: 'wal', health: () => ({ lastSeq: 3 }) };
  const http = { name: 'http', health: () => ({ ready: true, inFlightRequests: 1 }) };
  assert.deepEqual(readyReport('edge-9', [wal, http]), {
    ready: true,
    body: { status: 'ready', gatewayId: 'edge-9', wal: { lastSeq: 3 }, http: { inFlightRequests: 1 } },
  });
  const stopping = { name: 'http', health: () => ({ ready: false, stopping: true }) };
  const r = readyReport('edge-9', [wal, stopping]);
  assert.equal(r.ready, false);
  assert.equal(r.body.status, 'not_ready');
  assert.deepEqual(r.body.http, { stopping: true }, 'the ready flag is not repeated in the section');
  assert.deepEqual(r.body.problems, ['http: shutting down']);
  assert.deepEqual(readyReport('edge-9', [{ name: 'x', health: () => ({ ready: false }) }]).body.problems, ['x: not ready']);
});

it('says why in words: the problem of each section, ready or not', () => {
  const kafka = { name: 'kafka', health: () => ({ connected: false, problem: 'not connected to kafka since T: refused' }) };
  const r = readyReport('edge-9', [kafka]);
  assert.equal(r.ready, true, 'kafka away alone does not make the gateway unready');
  assert.deepEqual(r.body.problems, ['kafka: not connected to kafka since T: refused']);
});
