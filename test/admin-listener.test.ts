import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { adminToken } from './support/admin-token.js';
import { cli } from './support/cli-run.js';
import { makeEvent, ndjson } from './support/events.js';

/** Raw node:http to the admin listener on its Unix socket. */
function call(socketPath: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; json: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: body ? { ...headers, 'content-type': 'application/json' } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || 'null'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the admin listener (on a Unix socket)', () => {
  let gw: GatewayProcess;
  let socket: string;
  const token = adminToken();

  before(async () => {
    const dir = tempDir('admin-listener-');
    socket = join(dir, 'admin.sock');
    gw = await GatewayProcess.start({ ...token.env, EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'), EDGE_GATEWAY_ADMIN_LISTEN: socket, EDGE_GATEWAY_ADMIN_REPLAY_MAX_EVENTS: '1' });
    const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson([makeEvent('adm-1', 'UTI-A', 0), makeEvent('adm-2', 'UTI-A', 1)]) });
    assert.equal(res.status, 202);
    await gw.waitFor('delivered', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 30_000 });
  });
  after(async () => {
    await gw?.stop();
  });

  it('says where it listens, answers health there, and keeps the intake listener free of admin routes', async () => {
    assert.equal(gw.adminUrl, `unix:${socket}`);
    const r = await call(socket, 'GET', '/health/ready');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.admin, { listen: socket, tokenConfigured: true, refusedCalls: 0 });
    assert.equal((await fetch(`${gw.url}/admin/wal`)).status, 404);
    assert.equal((await fetch(`${gw.url}/health/ready`)).status, 200, 'intake keeps the health probes');
    const viaCli = await cli(['health', '--admin', gw.adminUrl, '--json']);
    assert.equal(viaCli.code, 0, viaCli.stderr);
  });

  it('refuses every mutating route without the right token (401, a log line, nothing changed), and runs it with it', async () => {
    const routes: Array<[string, string | undefined, number]> = [
      ['/admin/dead-letters/1/redrive', undefined, 404],
      ['/admin/replay', JSON.stringify({ fromSeq: 1, toSeq: 1 }), 200],
      ['/admin/intake/pause', undefined, 200],
      ['/admin/intake/resume', undefined, 200],
    ];
    for (const [path, body, okStatus] of routes) {
      for (const [what, headers] of [
        ['no token', {}],
        ['wrong token', { authorization: `Bearer ${token.token}x` }],
        ['another scheme', { authorization: `Basic ${Buffer.from(`u:${token.token}`).toString('base64')}` }],
      ] as const) {
        const before = await gw.ready();
        const refusedLines = gw.logs.filter((l) => l.msg === 'admin call refused').length;
        const r = await call(socket, 'POST', path, headers, body);
        assert.equal(r.status, 401, `${path} with ${what}`);
        assert.equal(r.json.error.code, 'unauthorized');
        assert.equal(r.headers['www-authenticate'], 'Bearer');
        await gw.waitFor(`the refusal of ${path} logged`, () => gw.logs.filter((l) => l.msg === 'admin call refused').length === refusedLines + 1);
        const line = gw.logs.filter((l) => l.msg === 'admin call refused').at(-1)!;
        assert.equal(line.url, path);
        assert.equal(line.reason, what === 'no token' ? 'no token' : 'wrong token');
        const after = await gw.ready();
        assert.equal(after.wal.lastSeq, before.wal.lastSeq, `${path} with ${what}: nothing appended`);
        assert.equal(after.intake.state, before.intake.state, `${path} with ${what}: intake unchanged`);
      }
      const ok = await call(socket, 'POST', path, token.auth, body);
      assert.equal(ok.status, okStatus, `${path} with the token: ${JSON.stringify(ok.json)}`);
      if (path === '/admin/replay') assert.equal(ok.json.replayed, 1);
      if (path.startsWith('/admin/intake/')) assert.equal((await gw.ready()).intake.state, path.endsWith('pause') ? 'paused' : 'open');
    }
    assert.equal((await call(socket, 'GET', '/health/ready')).json.admin.refusedCalls, routes.length * 3);
  });

  it('refuses a bad or too large replay precisely, and appends nothing', async () => {
    const lastSeq = (await gw.ready()).wal.lastSeq;
    const big = await call(socket, 'POST', '/admin/replay', token.auth, JSON.stringify({ fromSeq: 1, toSeq: 2 }));
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 'replay_too_large');
    const bad = await call(socket, 'POST', '/admin/replay', token.auth, JSON.stringify({ from: 'yesterday', toSeq: 0, extra: 1 }));
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'invalid_replay');
    assert.deepEqual(bad.json.error.details.map((d: any) => d.path).sort(), ['$', '$.from', '$.toSeq']);
    const none = await call(socket, 'POST', '/admin/replay', token.auth, '{}');
    assert.equal(none.status, 400);
    assert.match(none.json.error.details[0].message, /at least one of/);
    assert.equal((await call(socket, 'POST', '/admin/replay', token.auth, '{')).json.error.code, 'malformed_json');
    assert.equal((await gw.ready()).wal.lastSeq, lastSeq);
  });

  it('will not take the socket of a gateway still listening on it', async () => {
    const other = new GatewayProcess({ EDGE_GATEWAY_WAL_PATH: join(tempDir('admin-listener-'), 'wal.db'), EDGE_GATEWAY_ADMIN_LISTEN: socket });
    const exit = await other.waitExit();
    assert.equal(exit.code, 1);
    assert.ok(other.logs.some((l) => JSON.stringify(l).includes(`another process listens on ${socket}`)), JSON.stringify(other.logs.slice(-3)));
    assert.equal((await call(socket, 'GET', '/health/live')).status, 200, 'the first gateway still answers');
  });
});
