import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { GatewayProcess, type ReadyReport } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { loadEvent, LoadSender, type LoadResult } from '../support/load-sender.js';
import { brokerCtl, realBroker } from '../support/real-broker.js';

const LANES = 4;
const BATCH = 100;
const KEYS = 200;

interface Outage {
  name: string;
  env: Record<string, string>;
  events: number;
  /** The 503 code intake must answer while the broker is down. */
  code: 'wal_budget_exceeded' | 'wal_disk_full';
  /** The most pending events the WAL may hold while intake is paused. */
  maxPending: number;
}

/**
 * The broker is killed, a never-give-up sender pushes `events` at the gateway until intake pushes
 * back with 503 `code` + Retry-After, the broker comes back, and every event must then be in Kafka
 * exactly once, in per-key order. Returns what the run counted.
 */
async function outage(o: Outage): Promise<{ load: LoadResult; maxPendingSeen: number; gw: GatewayProcess; walPath: string; ready: ReadyReport }> {
  const walPath = join(tempDir(), 'wal.db');
  const topic = `wal-budget-${o.code}-${Date.now()}`;
  const gw = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: walPath,
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
    EDGE_GATEWAY_WAL_BUDGET_RETRY_AFTER_SECONDS: '1',
    EDGE_GATEWAY_WAL_BUDGET_CHECK_INTERVAL_MS: '200',
    ...o.env,
  });
  try {
    // Warm up: the topic exists and the producer is connected before the broker goes away.
    const warm = new LoadSender({ url: () => gw.url, events: 200, batch: BATCH, lanes: 1, prefix: `${o.name}-warm` });
    await warm.done;
    await gw.waitFor('the warm-up delivered', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });

    await brokerCtl('kill');
    let maxPendingSeen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxPendingSeen = Math.max(maxPendingSeen, (await gw.ready()).delivery.pendingEvents);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    sampler.catch(() => {}); // awaited below; a failed health check fails the test there
    const load = new LoadSender({ url: () => gw.url, events: o.events, batch: BATCH, lanes: LANES, prefix: o.name, keys: KEYS });
    try {
      // Paused: several refusals in a row, and /health/ready says so.
      await gw.waitFor(`503 ${o.code} answers`, () => (load.result.unavailable[o.code] ?? 0) >= 3 * LANES, { timeoutMs: 120_000 });
      const paused = await gw.ready();
      assert.equal(paused.budget.intake, 'paused', JSON.stringify(paused.budget));
      assert.ok(load.result.acknowledged < o.events, 'the load is held back while the broker is down');
    } finally {
      await brokerCtl('restart');
    }
    await gw.waitFor('the load to be acknowledged', () => load.settled, { timeoutMs: 300_000, everyMs: 200 });
    await load.done;
    await gw.waitFor('the backlog to drain', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 120_000 });
    sampling = false;
    await sampler;

    const expected = 200 + o.events;
    const records = await consumeAll(realBroker(), [topic], { timeoutMs: 120_000 });
    const ids = new Map<string, number>();
    for (const m of records) ids.set(m.value.eventId as string, (ids.get(m.value.eventId as string) ?? 0) + 1);
    let missing = 0;
    for (let i = 0; i < o.events; i++) if (!ids.has(`${o.name}-${i}`)) missing++;
    for (let i = 0; i < 200; i++) if (!ids.has(`${o.name}-warm-${i}`)) missing++;
    const duplicated = records.length - ids.size;
    const ready = await gw.ready();
    console.log(JSON.stringify({
      test: o.name,
      sent: warm.result.sent + load.result.sent,
      acknowledged: warm.result.acknowledged + load.result.acknowledged,
      consumed: records.length,
      missing,
      duplicated,
      unavailable: load.result.unavailable,
      retryAfter: [...new Set(load.result.retryAfterSeen)],
      maxPendingSeen,
      pauses: ready.budget.pauses,
      resumes: ready.budget.resumes,
      earlyPrunedEvents: ready.retention.earlyPrunedEvents,
      errorLogs: [...new Set(gw.logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg))],
    }));
    assert.equal(load.result.acknowledged, o.events);
    assert.equal(missing, 0, 'every acknowledged event is in Kafka');
    assert.equal(duplicated, 0, 'and only once');
    assert.equal(records.length, expected);
    assertPerKeyOrder(records);
    assert.ok((load.result.unavailable[o.code] ?? 0) > 0);
    assert.deepEqual([...new Set(load.result.retryAfterSeen)], ['1'], 'every 503 carried Retry-After: 1');
    assert.ok(maxPendingSeen <= o.maxPending, `pending stayed within its bound: at most ${maxPendingSeen} (bound ${o.maxPending})`);
    assert.equal(ready.budget.intake, 'open', 'intake resumed');
    assert.ok(ready.budget.pauses > 0, 'intake paused');
    assert.ok(ready.budget.resumes > 0, 'intake resumed');
    return { load: load.result, maxPendingSeen, gw, walPath, ready };
  } catch (err) {
    await gw.kill('SIGKILL');
    throw err;
  }
}

describe('WAL budget against a real Kafka broker', () => {
  after(async () => {
    // Leave the broker running for the next test file, whatever happened here.
    await brokerCtl('status').catch(() => brokerCtl('restart'));
  });

  it('Budget reached: 503 wal_budget_exceeded + Retry-After, then recovery, with no loss', async () => {
    const budget = 3000;
    const { gw } = await outage({
      name: 'budget',
      env: { EDGE_GATEWAY_WAL_BUDGET_MAX_PENDING_EVENTS: String(budget) },
      events: 10_000,
      code: 'wal_budget_exceeded',
      // Soft limit: requests admitted together before the count catches up are taken whole.
      maxPending: budget + LANES * BATCH,
    });
    await gw.stop();
  });

  it('WAL full (wal.maxFileBytes): 503 wal_disk_full + Retry-After, early pruning frees space, recovery with no loss and an intact WAL', async () => {
    const maxFileBytes = 1024 * 1024;
    // Every stored event takes at least its body's bytes: no more of this load's (the smallest is
    // its first) fit in the file, whatever the budget.
    const smallest = Buffer.byteLength(JSON.stringify(loadEvent({ prefix: 'diskfull', keys: KEYS }, 0)));
    const { gw, walPath, ready } = await outage({
      name: 'diskfull',
      env: { EDGE_GATEWAY_WAL_MAX_FILE_BYTES: String(maxFileBytes) },
      events: 6000,
      code: 'wal_disk_full',
      maxPending: Math.floor(maxFileBytes / smallest),
    });
    assert.ok(ready.retention.earlyPrunedEvents > 0, 'delivered events were pruned early to free space');
    const exit = await gw.stop();
    assert.equal(exit.code, 0, gw.exitError()?.message);
    assert.ok(statSync(walPath).size <= maxFileBytes, `the database file stayed within wal.maxFileBytes (${statSync(walPath).size})`);
    const db = new BetterSqlite3(walPath, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  });
});
