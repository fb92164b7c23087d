import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseAddress } from './admin-client.js';
import { CliError, EXIT, exitForStatus } from './exit-codes.js';
import { fields, table } from './output.js';

it('lays out tables for people: numbers right-aligned, missing cells as -, a word when empty', () => {
  assert.equal(table(['seq', 'eventId'], [[7, 'e-7'], [12, null]]), 'seq  eventId\n  7  e-7\n 12  -');
  assert.equal(table(['seq'], [], 'no dead letters'), 'no dead letters');
  assert.equal(fields([['rows', 3], ['path', './data/wal.db']]), 'rows  3\npath  ./data/wal.db');
});

it('reads every form of the admin address; a wildcard listen address is reached on loopback', () => {
  assert.deepEqual(parseAddress('http://127.0.0.1:8081'), { where: { host: '127.0.0.1', port: 8081 }, label: 'http://127.0.0.1:8081' });
  assert.deepEqual(parseAddress('0.0.0.0:8081').where, { host: '127.0.0.1', port: 8081 });
  assert.deepEqual(parseAddress('[::1]:8081').where, { host: '::1', port: 8081 });
  assert.deepEqual(parseAddress('unix:/run/edge-gateway/admin.sock'), { where: { socketPath: '/run/edge-gateway/admin.sock' }, label: 'unix:/run/edge-gateway/admin.sock' });
  assert.deepEqual(parseAddress('./admin.sock').where, { socketPath: './admin.sock' });
  for (const bad of ['localhost', 'h:0', 'h:99999', 'h:x']) assert.throws(() => parseAddress(bad), (e) => e instanceof CliError && e.exitCode === EXIT.usage, bad);
});

it('maps the admin listener statuses to the documented exit codes', () => {
  assert.deepEqual([200, 401, 403, 404, 400, 413, 409, 503, 500].map(exitForStatus), [0, 5, 5, 4, 2, 2, 1, 1, 1]);
});
