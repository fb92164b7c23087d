import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { makeEvent, ndjson } from './support/events.js';

const token = () => randomBytes(24).toString('base64url');
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** The bound this test holds the calm sender's latency to while another floods (2-core machine shared with other work). */
const CALM_P99_BOUND_MS = 500;

describe('per-sender limits', () => {
  let gw: GatewayProcess;
  const flood = token();
  const calm = token();
  const few = token();
  const wrong = token();

  before(async () => {
    const dir = tempDir('sender-limits-');
    const senders = `[{name: flood, tokenSha256: ${sha(flood)}, sources: [flood], eventsPerSecond: 100, burstEvents: 100},
      {name: calm, tokenSha256: ${sha(calm)}, sources: [calm]},
      {name: few, tokenSha256: ${sha(few)}, sources: [few], maxConnections: 2}]`;
    gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'), EDGE_GATEWAY_AUTH_SENDERS: senders, EDGE_GATEWAY_AUTH_FAILURE_DELAY_AFTER_FAILURES: '3', EDGE_GATEWAY_AUTH_FAILURE_DELAY_MAX_DELAY_MS: '400' });
  });
  after(async () => {
    await gw?.stop();
  });

  const post = (t: string, events: unknown[]) =>
    fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${t}` }, body: ndjson(events) });

  it(`a flooding sender gets 429 with Retry-After, held to its rate, while another sender's p99 latency stays under ${CALM_P99_BOUND_MS} ms`, async (t) => {
    const started = performance.now();
    const until = started + 2_000;
    let accepted = 0;
    let limited = 0;
    let n = 0;
    const floodLoop = async () => {
      while (performance.now() < until) {
        const res = await post(flood, Array.from({ length: 20 }, () => makeEvent(`fl-${n++}`, `UTI-FL-${n % 7}`, n, { source: 'flood' })));
        const body = (await res.json()) as any;
        if (res.status === 202) accepted += body.accepted;
        else {
          assert.equal(res.status, 429, JSON.stringify(body));
          assert.equal(body.error.code, 'rate_limited');
          assert.ok(Number(res.headers.get('retry-after')) >= 1);
          limited++;
        }
      }
    };
    const latencies: number[] = [];
    const calmLoop = async () => {
      let i = 0;
      while (performance.now() < until) {
        const t0 = performance.now();
        const res = await post(calm, [makeEvent(`calm-${i}`, 'UTI-CALM', i++, { source: 'calm' })]);
        latencies.push(performance.now() - t0);
        assert.equal(res.status, 202);
        await new Promise((resolve) => setTimeout(resolve, 20)); // a steady sender, not a second flood
      }
    };
    await Promise.all([...Array.from({ length: 8 }, floodLoop), calmLoop()]);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    t.diagnostic(`flood: ${accepted} events accepted, ${limited} requests refused in ${seconds.toFixed(1)} s; calm: ${latencies.length} requests, p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
    assert.ok(limited > 0, 'the flood was refused');
    // The burst, the rate over the run, and at most one request of debt per concurrent request.
    assert.ok(accepted <= 100 + 100 * seconds + 8 * 20, `accepted ${accepted} events in ${seconds} s`);
    assert.ok(latencies.length >= 20);
    assert.ok(p99 < CALM_P99_BOUND_MS, `calm p99 ${p99} ms`);
  });

  it('refuses a connection beyond maxConnections (429 too_many_connections), and takes one again once another closed', async () => {
    const agents = [1, 2, 3].map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    const call = (agent: Agent, id: string) =>
      new Promise<{ status: number; code?: string }>((resolve, reject) => {
        const body = ndjson([makeEvent(id, 'UTI-FEW', 0, { source: 'few' })]);
        const req = request(`${gw.url}/v1/events`, { method: 'POST', agent, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${few}` } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, code: JSON.parse(Buffer.concat(chunks).toString()).error?.code }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      assert.equal((await call(agents[0]!, 'few-1')).status, 202);
      assert.equal((await call(agents[1]!, 'few-2')).status, 202);
      assert.deepEqual(await call(agents[2]!, 'few-3'), { status: 429, code: 'too_many_connections' });
      assert.equal((await call(agents[0]!, 'few-4')).status, 202, 'a counted connection goes on');
      agents[0]!.destroy();
      await gw.waitFor('the closed connection to be released', async () => ((await gw.ready()) as any).auth.perSender.few.connections === 1, { timeoutMs: 5_000 });
      assert.equal((await call(agents[2]!, 'few-3')).status, 202);
    } finally {
      for (const a of agents) a.destroy();
    }
  });

  it('answers repeated failed authentications from one address ever later', async () => {
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      assert.equal((await post(wrong, [makeEvent(`wr-${i}`, 'UTI-WR', 0)])).status, 401);
      times.push(performance.now() - t0);
    }
    // afterFailures 3, then 100, 200, 400 ms (maxDelayMs 400).
    assert.ok(times.slice(3).every((ms, i) => ms >= [100, 200, 400][i]! - 5), times.join(', '));
    assert.ok(times.slice(0, 3).every((ms) => ms < 100), times.join(', '));
    const ready = (await gw.ready()) as any;
    assert.equal(ready.auth.failedAuthentications, 6);
    const t0 = performance.now();
    assert.equal((await post(calm, [makeEvent('after-wrong', 'UTI-WR', 0, { source: 'calm' })])).status, 202);
    assert.ok(performance.now() - t0 < 100, 'a right token is not slowed down');
  });
});
