import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { makeEvent, ndjson } from './support/events.js';
import { readWalFile } from './support/wal-file.js';

const MAX_BODY = 64 * 1024;
const MAX_EVENTS = 50;

describe('bad input gets a precise error and changes nothing', () => {
  let gw: GatewayProcess;
  let wal: string;

  before(async () => {
    wal = join(tempDir(), 'wal.db');
    gw = await GatewayProcess.start({
      EDGE_GATEWAY_WAL_PATH: wal,
      EDGE_GATEWAY_HTTP_MAX_BODY_BYTES: String(MAX_BODY),
      EDGE_GATEWAY_HTTP_MAX_EVENTS_PER_REQUEST: String(MAX_EVENTS),
    });
    // One stored event, so "unchanged" is checked against a WAL that is not empty.
    const res = await post(JSON.stringify(makeEvent('seed-1', 'UTI-SEED', 0)));
    assert.equal(res.status, 202);
  });
  after(async () => {
    await gw?.stop();
  });

  /** Raw node:http, so bodies can be streamed without a length or declared larger than sent. */
  function post(
    body: string | string[],
    headers: Record<string, string | number> = { 'content-type': 'application/json' },
    path = '/v1/events',
    method = 'POST',
  ): Promise<{ status: number; json: any; headers: Record<string, unknown> }> {
    const url = new URL(path, gw.url);
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || 'null'), headers: res.headers }));
      });
      req.on('error', reject);
      for (const part of Array.isArray(body) ? body : [body]) req.write(part);
      req.end();
    });
  }

  async function expectUnchanged(send: () => Promise<{ status: number; json: any }>, status: number, code: string) {
    const before = readWalFile(wal).seqs.size;
    const res = await send();
    assert.equal(res.status, status, JSON.stringify(res.json));
    assert.equal(res.json.error?.code ?? res.json.results?.[0]?.errors?.[0]?.code, code, JSON.stringify(res.json));
    assert.equal(readWalFile(wal).seqs.size, before, 'the WAL is unchanged');
    return res.json;
  }

  it('malformed JSON: 400 malformed_json', async () => {
    const body = await expectUnchanged(() => post('{"eventId": "x", '), 400, 'malformed_json');
    assert.equal(body.error.details[0].path, '$');
  });

  it('a malformed NDJSON line: 400 with its index and line, and the valid lines before it are not stored', async () => {
    const good = ndjson([makeEvent('nd-1', 'UTI-ND', 0), makeEvent('nd-2', 'UTI-ND', 1)]);
    const body = await expectUnchanged(() => post(`${good}{not json}\n`, { 'content-type': 'application/x-ndjson' }), 400, 'malformed_json');
    assert.equal(body.error.details[0].path, '$[2]');
    assert.match(body.error.message, /line 3/);
  });

  it('a JSON scalar or an empty batch: 400', async () => {
    await expectUnchanged(() => post('42'), 400, 'malformed_json');
    await expectUnchanged(() => post('[]'), 400, 'empty_batch');
    await expectUnchanged(() => post('\n\n', { 'content-type': 'application/x-ndjson' }), 400, 'empty_batch');
  });

  it('a body declared larger than the limit: 413 body_too_large', async () => {
    const big = JSON.stringify([makeEvent('big-1', 'UTI-BIG', 0, { payload: { pad: 'x'.repeat(MAX_BODY) } })]);
    await expectUnchanged(() => post(big, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }), 413, 'body_too_large');
  });

  it('a streamed body that grows past the limit: 413 body_too_large', async () => {
    const parts = ['[', ...Array.from({ length: 40 }, (_, i) => `${i ? ',' : ''}${JSON.stringify(makeEvent(`s-${i}`, 'UTI-S', i, { payload: { pad: 'y'.repeat(2048) } }))}`), ']'];
    await expectUnchanged(() => post(parts, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), 413, 'body_too_large');
  });

  it('more events than allowed per request: 413 too_many_events', async () => {
    const events = Array.from({ length: MAX_EVENTS + 1 }, (_, i) => makeEvent(`many-${i}`, 'UTI-MANY', i));
    await expectUnchanged(() => post(JSON.stringify(events)), 413, 'too_many_events');
  });

  it('a wrong or missing content type: 415 unsupported_media_type', async () => {
    const e = JSON.stringify(makeEvent('ct-1', 'UTI-CT', 0));
    await expectUnchanged(() => post(e, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    await expectUnchanged(() => post(e, {}), 415, 'unsupported_media_type');
  });

  it('envelope violations: 422 with every error by JSON path and code', async () => {
    const bad = [
      { ...makeEvent('env-1', 'UTI-E', 0), type: 'confirmTrade' },
      { ...makeEvent('env-2', 'UTI-E', 1), occurredAt: '2026-11-02T09:30:00+01:00' },
      { ...makeEvent('env 3', 'UTI-E', 2), version: 0, payload: [1] },
      { ...makeEvent('env-4', 'UTI-E', 3), aggregateId: undefined, extra: true },
    ];
    const body = await expectUnchanged(() => post(JSON.stringify(bad)), 422, 'invalid_format');
    assert.equal(body.rejected, 4);
    const errs = body.results.map((r: any) => r.errors.map((e: any) => `${e.path} ${e.code}`).sort());
    assert.deepEqual(errs, [
      ['$.type invalid_format'],
      ['$.occurredAt invalid_format'],
      ['$.eventId invalid_format', '$.payload invalid_type', '$.version too_small'],
      ['$.aggregateId invalid_type', '$.extra unrecognized_keys'],
    ]);
    assert.equal(body.results[0].eventId, 'env-1');
  });

  it('a mixed request: 200, the valid events stored and the invalid ones not', async () => {
    const before = readWalFile(wal).seqs;
    const res = await post(JSON.stringify([makeEvent('mix-ok', 'UTI-M', 0), { ...makeEvent('mix-bad', 'UTI-M', 1), version: -1 }]));
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.results.map((r: any) => r.status), ['accepted', 'rejected']);
    const after = readWalFile(wal).seqs;
    assert.equal(after.size, before.size + 1);
    assert.ok(after.has('mix-ok') && !after.has('mix-bad'));
  });

  it('a client that disconnects mid-body leaves nothing stored, not even its complete lines, and nothing in flight', async () => {
    const before = readWalFile(wal).seqs.size;
    const complete = [0, 1, 2].map((n) => makeEvent(`gone-${n}`, 'UTI-GONE', n));
    const sent = ndjson(complete) + JSON.stringify(makeEvent('gone-3', 'UTI-GONE', 3)).slice(0, 40);
    const req = request(new URL('/v1/events', gw.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(sent) + 1000 },
    });
    req.on('error', () => {});
    req.write(sent);
    await gw.waitFor('the request to be in flight', async () => (await gw.ready()).http.inFlightRequests === 2);
    // Time for a gateway that stored NDJSON lines as they streamed in to store the complete ones.
    await new Promise((r) => setTimeout(r, 300));
    req.destroy();
    await gw.waitFor('the request to be finished', async () => (await gw.ready()).http.inFlightRequests === 1);
    const after = readWalFile(wal).seqs;
    for (const e of complete) assert.ok(!after.has(e.eventId), `${e.eventId}, a complete line, is not stored`);
    assert.equal(after.size, before);
  });

  it('unknown routes and methods: 404 and 405', async () => {
    assert.equal((await post('', {}, '/v1/nothing', 'GET')).status, 404);
    const r = await post('', {}, '/v1/events', 'GET');
    assert.equal(r.status, 405);
    assert.equal(r.json.error.code, 'method_not_allowed');
    const bad = await post('', {}, '/v1/events/%E0%A4%A', 'GET');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'malformed_url');
  });

  it('dead-letter admin routes (admin listener): bad paging 400, unknown seq 404, wrong method 405, no token 403, nothing changed', async () => {
    const before = readWalFile(wal).seqs.size;
    const admin = (path: string, method = 'GET') => post('', {}, `${gw.adminUrl}${path}`, method);
    for (const q of ['limit=0', 'limit=5000', 'after=-1', 'limit=ten']) {
      const r = await admin(`/admin/dead-letters?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.error.code, 'invalid_query', q);
    }
    assert.deepEqual((await admin('/admin/dead-letters')).json, { items: [] });
    assert.equal((await post('', {}, '/admin/dead-letters', 'GET')).status, 404, 'not on the intake listener');
    const missing = await admin('/admin/dead-letters/42');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'dead_letter_not_found');
    const redrive = await admin('/admin/dead-letters/42/redrive', 'POST');
    assert.equal(redrive.status, 403, 'no admin.tokenFile: mutating routes are refused');
    assert.equal(redrive.json.error.code, 'admin_token_not_configured');
    assert.equal((await admin('/admin/dead-letters/42/redrive')).status, 405);
    assert.equal((await admin('/admin/dead-letters', 'POST')).status, 405);
    assert.equal(readWalFile(wal).seqs.size, before);
  });
});
