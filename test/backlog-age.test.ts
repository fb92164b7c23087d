import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { consumeAll } from './support/consumer.js';
import { LoadSender } from './support/load-sender.js';

const EVENTS = 4000;
const MAX_AGE_MS = 1000;
/** The bound the test holds the gateway to: the age budget, plus a check interval, the requests admitted before the pause and the sampling. */
const AGE_BOUND_MS = 2500;

/**
 * After a warm-up backlog, runs a never-give-up sender far faster than a deliberately slowed forwarder (20 records in flight,
 * 50 ms linger: a few hundred events/s) and samples the oldest undelivered event's age. Returns the
 * largest age seen and what the sender saw.
 */
async function flood(env: Record<string, string>, prefix: string) {
  const gw = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'),
    EDGE_GATEWAY_FORWARDER_MAX_IN_FLIGHT_EVENTS: '20',
    EDGE_GATEWAY_FORWARDER_BATCH_SIZE: '20',
    EDGE_GATEWAY_KAFKA_PRODUCER: '{ linger.ms: 50 }',
    EDGE_GATEWAY_WAL_BUDGET_CHECK_INTERVAL_MS: '100',
    EDGE_GATEWAY_WAL_BUDGET_RESUME_AT_PERCENT: '50',
    EDGE_GATEWAY_WAL_BUDGET_RETRY_AFTER_SECONDS: '1',
    ...env,
  });
  try {
    // Warm-up: a first backlog, so the gateway has measured what forwarding manages.
    await new LoadSender({ url: () => gw.url, events: 500, batch: 50, lanes: 1, prefix: `${prefix}-warm` }).done;
    await gw.waitFor('the warm-up delivered', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });
    const load = new LoadSender({ url: () => gw.url, events: EVENTS, batch: 50, lanes: 2, prefix });
    let maxAgeMs = 0;
    let pausedByAge = false;
    let forwardRatePerSec = 0;
    await gw.waitFor('every event acknowledged and delivered', async () => {
      const r = await gw.ready();
      maxAgeMs = Math.max(maxAgeMs, r.delivery.oldestPendingAgeMs ?? 0);
      pausedByAge ||= r.budget.pausedBy === 'pending_age';
      forwardRatePerSec = Math.max(forwardRatePerSec, r.budget.forwardRatePerSec);
      return load.settled && r.delivery.pendingEvents === 0;
    }, { timeoutMs: 120_000, everyMs: 50 });
    await load.done;
    const records = await consumeAll(gw.bootstrap, ['trade-events']);
    return { maxAgeMs, pausedByAge, forwardRatePerSec, load: load.result, delivered: new Set(records.map((m) => m.value.eventId)).size };
  } finally {
    await gw.stop();
  }
}

describe('backlog bounded in time (wal.budget.maxPendingAgeMs)', () => {
  it(`paces intake with 503 + Retry-After so the oldest undelivered event stays under ${AGE_BOUND_MS} ms, and loses nothing`, async () => {
    const r = await flood({ EDGE_GATEWAY_WAL_BUDGET_MAX_PENDING_AGE_MS: String(MAX_AGE_MS) }, 'paced');
    assert.ok(r.forwardRatePerSec > 0, 'a forwarding rate was measured');
    assert.ok((r.load.unavailable.wal_budget_exceeded ?? 0) > 0, `intake was paced: ${JSON.stringify(r.load.responses)}`);
    assert.ok(r.load.retryAfterSeen.length > 0 && r.load.retryAfterSeen.every((s) => s === '1'));
    assert.ok(r.pausedByAge, '/health/ready said pausedBy: pending_age');
    assert.ok(r.maxAgeMs < AGE_BOUND_MS, `oldest undelivered event reached ${r.maxAgeMs} ms`);
    assert.equal(r.load.acknowledged, EVENTS);
    assert.equal(r.delivered, EVENTS + 500);
  });

  it('without it (the default), the same flood lets the backlog age far past that bound', async () => {
    const r = await flood({}, 'unpaced');
    assert.equal(r.load.unavailable.wal_budget_exceeded ?? 0, 0);
    assert.ok(r.maxAgeMs > 2 * AGE_BOUND_MS, `oldest undelivered event reached only ${r.maxAgeMs} ms: the flood did not outrun forwarding`);
    assert.equal(r.delivered, EVENTS + 500);
  });
});
