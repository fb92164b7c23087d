import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { consumeAll } from './support/consumer.js';
import { makeEvent, ndjson } from './support/events.js';

/** Sender authentication on the intake listener (issue 14): every route, every kind of credential. */
describe('sender authentication (auth.senders)', () => {
  let gw: GatewayProcess;
  let dir: string;
  const omsToken = randomBytes(24).toString('base64url');
  const bookingToken = randomBytes(24).toString('base64url');
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const credentials: Array<[string, Record<string, string>]> = [
    ['none', {}],
    ['a wrong one', bearer(randomBytes(24).toString('base64url'))],
    ["another sender's", bearer(bookingToken)],
    ['the right one', bearer(omsToken)],
  ];
  const post = (headers: Record<string, string>, events: unknown[]) =>
    fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...headers }, body: ndjson(events) });
  const stored = async (id: string) => (await fetch(`${gw.url}/v1/events/${id}`, { headers: bearer(omsToken) })).status === 200;

  before(async () => {
    dir = tempDir('sender-auth-');
    const file = join(dir, 'oms-1.token');
    writeFileSync(file, `${omsToken}\n`, { mode: 0o600 });
    const senders = `[{name: oms-1, tokenFile: ${file}, sources: [oms-1]}, {name: booking, tokenSha256: ${createHash('sha256').update(bookingToken).digest('hex')}, sources: [booking-eu, booking-us]}]`;
    gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'), EDGE_GATEWAY_AUTH_SENDERS: senders });
  });
  after(async () => {
    await gw?.stop();
  });

  it('POST /v1/events: 401 without a token or with a wrong one, the event rejected (source_not_allowed) with another sender\'s, 202 with the right one; nothing stored on a refusal', async () => {
    const expected: Record<string, number> = { none: 401, 'a wrong one': 401, "another sender's": 422, 'the right one': 202 };
    for (const [what, headers] of credentials) {
      const id = `auth-post-${what.replace(/\W/g, '')}`;
      const res = await post(headers, [makeEvent(id, 'UTI-AUTH-1', 0, { source: 'oms-1' })]);
      const body = (await res.json()) as any;
      assert.equal(res.status, expected[what], `${what}: ${JSON.stringify(body)}`);
      if (res.status === 401) {
        assert.equal(body.error.code, 'unauthenticated');
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      }
      if (res.status === 422) assert.deepEqual(body.results[0].errors.map((e: any) => [e.path, e.code]), [['$.source', 'source_not_allowed']]);
      assert.equal(await stored(id), res.status === 202, `${what}: stored only with the right token`);
    }
  });

  it("a sender's batch: events with its sources accepted, the others rejected alone (200)", async () => {
    const res = await post(bearer(bookingToken), [
      makeEvent('auth-mix-1', 'UTI-AUTH-2', 0, { source: 'booking-eu' }),
      makeEvent('auth-mix-2', 'UTI-AUTH-2', 1, { source: 'oms-1' }),
      makeEvent('auth-mix-3', 'UTI-AUTH-2', 2, { source: 'booking-us' }),
    ]);
    const body = (await res.json()) as any;
    assert.equal(res.status, 200);
    assert.deepEqual(body.results.map((r: any) => r.status), ['accepted', 'rejected', 'accepted']);
    assert.equal(body.results[1].errors[0].code, 'source_not_allowed');
    assert.equal(await stored('auth-mix-2'), false);
  });

  it('GET /v1/events/{id}: 401 without a token or with a wrong one; any sender may ask', async () => {
    const expected: Record<string, number> = { none: 401, 'a wrong one': 401, "another sender's": 200, 'the right one': 200 };
    for (const [what, headers] of credentials) {
      const res = await fetch(`${gw.url}/v1/events/auth-post-therightone`, { headers });
      assert.equal(res.status, expected[what], what);
      if (res.status === 401) assert.equal(((await res.json()) as any).error.code, 'unauthenticated');
    }
  });

  it('keeps the health probes open for load balancers, and counts failed authentications there and in the log, without the token', async () => {
    const ready = (await gw.ready()) as any;
    assert.equal(ready.auth.senders, 2);
    assert.equal(ready.auth.failedAuthentications, 4);
    // Log lines arrive through a pipe, maybe after the answers: wait for them, then count.
    const refusals = await gw.waitFor('the refusals logged', () => {
      const lines = gw.logs.filter((l) => l.msg === 'sender not authenticated');
      return lines.length >= 4 ? lines : undefined;
    }, { timeoutMs: 5_000 });
    assert.equal(refusals.length, 4);
    assert.deepEqual(refusals.map((l) => l.reason).sort(), ['no token', 'no token', 'wrong token', 'wrong token']);
    const text = JSON.stringify(gw.logs);
    assert.ok(!text.includes(omsToken) && !text.includes(bookingToken) && !text.includes(credentials[1]![1].authorization!.slice(7)), 'no token in the log');
  });

  it('forwards each event with its sender in the record header `sender`', async () => {
    await gw.waitFor('delivered', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 30_000 });
    const records = await consumeAll(gw.bootstrap, ['trade-events']);
    const senderOf = new Map(records.map((r) => [r.headers['event-id'], r.headers.sender]));
    assert.deepEqual(Object.fromEntries(senderOf), { 'auth-post-therightone': 'oms-1', 'auth-mix-1': 'booking', 'auth-mix-3': 'booking' });
  });
});

describe('start-up refusals', () => {
  it('refuses a non-loopback http.listen without auth.senders (exit 2, the reason on stderr)', async () => {
    const gw = new GatewayProcess({ EDGE_GATEWAY_HTTP_LISTEN: '0.0.0.0:0', EDGE_GATEWAY_WAL_PATH: join(tempDir('open-listen-'), 'wal.db') });
    const exit = await gw.waitExit();
    assert.equal(exit.code, 2);
    assert.match(gw.stderr.join('\n'), /http\.listen: 0\.0\.0\.0:0 is not a loopback address: configure auth\.senders/);
  });

  it('refuses a token file others may read, naming the file and not the token (exit 1)', async () => {
    const dir = tempDir('leaky-token-');
    const file = join(dir, 'oms.token');
    writeFileSync(file, 'leaky-token-value\n');
    chmodSync(file, 0o644);
    const gw = new GatewayProcess({ EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'), EDGE_GATEWAY_AUTH_SENDERS: `[{name: oms-1, tokenFile: ${file}, sources: [oms-1]}]` });
    const exit = await gw.waitExit();
    assert.equal(exit.code, 1);
    const text = JSON.stringify(gw.logs) + gw.stderr.join('\n');
    assert.ok(text.includes(`auth.senders[0].tokenFile: ${file} is readable by others (mode 0644)`), text);
    assert.ok(!text.includes('leaky-token-value'));
  });
});
