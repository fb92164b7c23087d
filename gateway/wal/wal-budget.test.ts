import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { GatewayError, hasCode } from '../errors.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from './delivery-ledger.js';
import { GroupCommit } from './group-commit.js';
import { Retention, RetentionConfigSchema } from './retention.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';
import { pauseReason, WalBudget, WalBudgetConfigSchema } from './wal-budget.js';

const tempWal = () => join(tempDir('wal-budget-test-'), 'wal.db');
const rec = (id: string): WalRecord => ({ eventId: id, aggregateId: 'K', topic: 't', body: `{"eventId":"${id}","pad":"${'x'.repeat(300)}"}` });
const recs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => rec(`${prefix}${i}`));

const log = pino({ level: 'silent' });

/** The WAL with its ledger and retention, as the gateway wires them. */
function walParts(path: string, wal = new Wal(WalConfigSchema.parse({ path }))) {
  const ledger = new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log });
  const retention = new Retention(RetentionConfigSchema.parse({ periodMs: 3_600_000 }), { wal, ledger, log });
  /** Finishes every seq up to `seq` and records it, as delivery reports and the ledger's timer would. */
  const deliver = (seq: number) => {
    for (let s = ledger.cursor + 1; s <= seq; s++) ledger.finish(s);
    assert.ok(ledger.save());
  };
  return { wal, ledger, retention, deliver };
}

function integrity(path: string): string {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('WAL budget: when intake pauses (pure)', () => {
  const c = WalBudgetConfigSchema.parse({ maxPendingEvents: 100, maxBytes: 1000, resumeAtPercent: 90 });
  const f = (pendingEvents: number, bytes = 0, diskFull = false) => ({ pendingEvents, bytes, diskFull });

  it('pauses at either budget, and a full disk takes precedence', () => {
    assert.equal(pauseReason(f(99, 999), c, undefined), undefined);
    assert.equal(pauseReason(f(100), c, undefined), 'pending_events');
    assert.equal(pauseReason(f(0, 1000), c, undefined), 'bytes');
    assert.equal(pauseReason(f(100, 1000, true), c, undefined), 'disk_full');
  });

  it('paces intake by the backlog\'s age only while Kafka takes events', () => {
    const aged = WalBudgetConfigSchema.parse({ maxPendingAgeMs: 1000, resumeAtPercent: 50 });
    const g = (pendingAgeMs: number, forwarding: boolean) => ({ pendingEvents: 10, bytes: 0, diskFull: false, pendingAgeMs, forwarding });
    assert.equal(pauseReason(g(999, true), aged, undefined), undefined);
    assert.equal(pauseReason(g(1000, true), aged, undefined), 'pending_age');
    assert.equal(pauseReason(g(600, true), aged, 'pending_age'), 'pending_age', 'held until below the resume mark');
    assert.equal(pauseReason(g(499, true), aged, 'pending_age'), undefined);
    assert.equal(pauseReason(g(60_000, false), aged, undefined), undefined, 'during an outage the WAL buffers');
    assert.equal(pauseReason(g(60_000, true), c, undefined), undefined, 'off by default');
    const drain = { pendingEvents: 10, bytes: 0, diskFull: false, pendingAgeMs: 10, forwarding: true };
    assert.equal(pauseReason({ ...drain, drainMs: 1000 }, aged, undefined), 'pending_age', 'a backlog that would take too long to forward');
    assert.equal(pauseReason({ ...drain, drainMs: 999 }, aged, undefined), undefined);
  });

  it('low free disk pauses before the budgets, and resumes only above minFreeDiskBytes / resumeAtPercent', () => {
    const d = WalBudgetConfigSchema.parse({ maxPendingEvents: 100, maxBytes: 1000, resumeAtPercent: 90, minFreeDiskBytes: 900 });
    const g = (freeDiskBytes: number, pendingEvents = 0) => ({ pendingEvents, bytes: 0, diskFull: false, freeDiskBytes });
    assert.equal(pauseReason(g(900), d, undefined), undefined);
    assert.equal(pauseReason(g(899, 100), d, undefined), 'disk_space_low');
    assert.equal(pauseReason({ ...g(0), diskFull: true }, d, undefined), 'disk_full');
    assert.equal(pauseReason(g(999), d, 'disk_space_low'), 'disk_space_low', 'below 900 / 0.9 = 1000');
    assert.equal(pauseReason(g(1000), d, 'disk_space_low'), undefined);
    assert.equal(pauseReason({ pendingEvents: 0, bytes: 0, diskFull: false }, d, undefined), undefined, 'not watched');
  });

  it('once paused, resumes only below the resume mark of both figures', () => {
    assert.equal(pauseReason(f(95), c, 'pending_events'), 'pending_events');
    assert.equal(pauseReason(f(90), c, 'pending_events'), 'pending_events');
    assert.equal(pauseReason(f(89, 950), c, 'pending_events'), 'bytes');
    assert.equal(pauseReason(f(89, 899), c, 'pending_events'), undefined);
    // A full disk clears as soon as a commit succeeds: the budget marks do not hold it.
    assert.equal(pauseReason(f(95, 950), c, 'disk_full'), undefined);
  });
});

describe('WAL budget on a real SQLite file', () => {
  it('refuses whole requests with wal_budget_exceeded and a retry hint at maxPendingEvents, and resumes as the backlog drains', async () => {
    const wal = new Wal(WalConfigSchema.parse({ path: tempWal() }));
    let pending = 0;
    const budget = new WalBudget(WalBudgetConfigSchema.parse({ maxPendingEvents: 10, resumeAtPercent: 50, retryAfterSeconds: 3 }), {
      wal,
      ledger: { get pendingEvents() { return pending; } },
      retention: { pruneEarly: async () => 0 },
      log,
    });
    budget.admit();
    pending = 10;
    assert.throws(() => budget.admit(), (e: unknown) => {
      assert.ok(hasCode(e, 'wal_budget_exceeded'));
      assert.equal(e.kind, 'unavailable');
      assert.equal(e.retryAfterSeconds, 3);
      assert.match(e.message, /10 events not yet delivered.*maxPendingEvents = 10.*resumes below 5/);
      return true;
    });
    pending = 7;
    assert.throws(() => budget.admit(), (e) => hasCode(e, 'wal_budget_exceeded'), 'still paused above the resume mark');
    assert.equal(budget.health().intake, 'paused');
    pending = 4;
    budget.admit();
    budget.admit();
    assert.equal(budget.health().intake, 'open');
    // One pause and one resume, however many requests came between (each is logged once).
    assert.deepEqual([budget.health().pauses, budget.health().resumes], [1, 1]);
    await wal.stop();
  });

  it('under byte pressure prunes delivered events early (never undelivered ones), and pauses while the bytes stay over', async () => {
    const path = tempWal();
    const { wal, ledger, retention, deliver } = walParts(path);
    wal.appendBatch(recs('a', 3000));
    deliver(2000); // 2000 delivered (retained for an hour), 1000 pending
    const full = wal.usedBytes();
    const budget = new WalBudget(WalBudgetConfigSchema.parse({ maxBytes: Math.floor(full * 0.8), resumeAtPercent: 60 }), { wal, ledger, retention, log });
    assert.throws(() => budget.admit(), (e: unknown) => hasCode(e, 'wal_budget_exceeded') && /the WAL uses \d+ bytes/.test(e.message));
    await budget.check();
    assert.equal(wal.readAfter(0, 1)[0]!.seq, 2001, 'every delivered event was pruned, the first undelivered one kept');
    assert.equal(wal.readAfter(0, 5000).length, 1000);
    assert.ok(wal.usedBytes() < full * 0.6, `pruning freed the pages (${wal.usedBytes()} of ${full})`);
    budget.admit();
    assert.equal(retention.health().earlyPrunedEvents, 2000);
    assert.equal(retention.health().prunedEvents, 0, 'none was past its retention period');
    await wal.stop();
    assert.equal(integrity(path), 'ok');
  });

  it('a full WAL (wal.maxFileBytes) fails only that group with wal_disk_full; delivery is still recorded, pruning frees space, intake resumes, the file stays intact', async () => {
    const path = tempWal();
    const { wal, ledger, retention, deliver } = walParts(path, new Wal(WalConfigSchema.parse({ path, maxFileBytes: 256 * 1024 })));
    const commit = new GroupCommit(wal);
    const budget = new WalBudget(WalBudgetConfigSchema.parse({ retryAfterSeconds: 4 }), { wal, ledger, retention, log });
    // Fill it in groups of 50 until a commit fails.
    let failure: unknown;
    for (let g = 0; g < 1000 && failure === undefined; g++) {
      await commit.append(recs(`g${g}-`, 50)).catch((err: unknown) => (failure = err));
    }
    assert.ok(hasCode(failure, 'wal_disk_full'), `got ${String(failure)}`);
    const answered = budget.commitFailed(failure);
    assert.ok(answered instanceof GatewayError && answered.code === 'wal_disk_full' && answered.kind === 'unavailable');
    assert.equal(answered.retryAfterSeconds, 4, 'the budget adds its retry hint');
    assert.equal(budget.health().pausedBy, 'disk_full');
    const stored = wal.lastSeq;
    assert.equal(wal.readAfter(stored - 1, 10).length, 1, 'the failed group left no rows and used no seq');

    // Delivery is still recorded while full, and early pruning frees the space.
    deliver(stored);
    await budget.check();
    assert.equal(wal.readAfter(0, 10).length, 0);
    const outcomes = await commit.append(recs('after-', 50));
    assert.equal(outcomes[0]!.seq, stored + 1, 'seqs continue gap-free after the failure');
    budget.commitSucceeded();
    assert.equal(budget.health().intake, 'open');
    assert.deepEqual([budget.health().pauses, budget.health().resumes], [1, 1]);
    assert.equal(retention.health().earlyPrunedEvents, stored, 'everything delivered was pruned early');
    await wal.stop();
    assert.equal(integrity(path), 'ok');
  });
});
