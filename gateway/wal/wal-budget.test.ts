import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Logger } from 'pino';
import { WalBudgetExceededError, WalDiskFullError } from '../errors.js';
import { GroupCommit } from './group-commit.js';
import { Wal, WalConfigSchema, type WalRecord } from './wal.js';
import { pauseReason, WalBudget, WalBudgetConfigSchema } from './wal-budget.js';

const tempWal = () => join(mkdtempSync(join(tmpdir(), 'wal-budget-test-')), 'wal.db');
const rec = (id: string): WalRecord => ({ eventId: id, aggregateId: 'K', topic: 't', body: `{"eventId":"${id}","pad":"${'x'.repeat(300)}"}` });
const recs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => rec(`${prefix}${i}`));

function recordingLog() {
  const lines: Array<{ level: string; msg: string; obj: Record<string, unknown> }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, msg, obj });
  const log = { warn: at('warn'), info: at('info'), error: at('error'), debug: at('debug') } as unknown as Logger;
  return { log, lines };
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
  it('refuses whole requests with 503 wal_budget_exceeded and Retry-After at maxPendingEvents, and resumes as the backlog drains', () => {
    const wal = new Wal(WalConfigSchema.parse({ path: tempWal() }));
    let pending = 0;
    const { log, lines } = recordingLog();
    const budget = new WalBudget(WalBudgetConfigSchema.parse({ maxPendingEvents: 10, resumeAtPercent: 50, retryAfterSeconds: 3 }), {
      wal,
      pendingEvents: () => pending,
      log,
    });
    budget.admit();
    pending = 10;
    assert.throws(() => budget.admit(), (e: unknown) => {
      assert.ok(e instanceof WalBudgetExceededError);
      assert.equal(e.code, 'wal_budget_exceeded');
      assert.equal(e.status, 503);
      assert.equal(e.retryAfterSeconds, 3);
      assert.match(e.message, /10 events not yet delivered.*maxPendingEvents = 10.*resumes below 5/);
      return true;
    });
    pending = 7;
    assert.throws(() => budget.admit(), WalBudgetExceededError, 'still paused above the resume mark');
    assert.equal(budget.report().intake, 'paused');
    pending = 4;
    budget.admit();
    budget.admit();
    assert.equal(budget.report().intake, 'open');
    // One line when intake pauses, one when it resumes, however many requests came between.
    assert.deepEqual(lines.map((l) => [l.level, l.msg.split(':')[0]]), [['warn', 'intake paused'], ['info', 'intake resumed']]);
    wal.close();
  });

  it('under byte pressure prunes delivered events early (never undelivered ones), and pauses while the bytes stay over', () => {
    const path = tempWal();
    const wal = new Wal(WalConfigSchema.parse({ path, retentionMs: 3_600_000 }));
    wal.appendBatch(recs('a', 3000));
    wal.saveDelivery(2000, []); // 2000 delivered (retained for an hour), 1000 pending
    const full = wal.usedBytes();
    const { log, lines } = recordingLog();
    const budget = new WalBudget(WalBudgetConfigSchema.parse({ maxBytes: Math.floor(full * 0.8), resumeAtPercent: 60 }), {
      wal,
      pendingEvents: () => 1000,
      log,
    });
    assert.throws(() => budget.admit(), (e: unknown) => e instanceof WalBudgetExceededError && /the WAL uses \d+ bytes/.test(e.message));
    budget.check();
    assert.equal(wal.readAfter(0, 1)[0]!.seq, 2001, 'every delivered event was pruned, the first undelivered one kept');
    assert.equal(wal.readAfter(0, 5000).length, 1000);
    assert.ok(wal.usedBytes() < full * 0.6, `pruning freed the pages (${wal.usedBytes()} of ${full})`);
    budget.admit();
    assert.equal(budget.report().earlyPrunedEvents, 2000);
    assert.ok(lines.some((l) => l.level === 'warn' && /before wal.retentionMs/.test(l.msg)));
    wal.close();
    assert.equal(integrity(path), 'ok');
  });

  it('a full WAL (wal.maxFileBytes) fails only that group with 503 wal_disk_full; delivery is still recorded, pruning frees space, intake resumes, the file stays intact', async () => {
    const path = tempWal();
    const wal = new Wal(WalConfigSchema.parse({ path, maxFileBytes: 256 * 1024, budget: { retryAfterSeconds: 4 } }));
    const commit = new GroupCommit(wal);
    const { log, lines } = recordingLog();
    const budget = new WalBudget(WalBudgetConfigSchema.parse({ retryAfterSeconds: 4 }), {
      wal,
      pendingEvents: () => wal.lastSeq - wal.loadDelivery().cursor,
      log,
    });
    // Fill it in groups of 50 until a commit fails.
    let failure: unknown;
    for (let g = 0; g < 1000 && failure === undefined; g++) {
      await commit.append(recs(`g${g}-`, 50)).catch((err: unknown) => (failure = err));
    }
    assert.ok(failure instanceof WalDiskFullError, `got ${String(failure)}`);
    assert.equal(failure.code, 'wal_disk_full');
    assert.equal(failure.status, 503);
    assert.equal(failure.retryAfterSeconds, 4);
    budget.commitFailed(failure);
    assert.equal(budget.report().pausedBy, 'disk_full');
    const stored = wal.lastSeq;
    assert.equal(wal.readAfter(stored - 1, 10).length, 1, 'the failed group left no rows and used no seq');

    // Delivery is still recorded while full, and early pruning frees the space.
    wal.saveDelivery(stored, []);
    budget.check();
    assert.equal(wal.readAfter(0, 10).length, 0);
    const outcomes = await commit.append(recs('after-', 50));
    assert.equal(outcomes[0]!.seq, stored + 1, 'seqs continue gap-free after the failure');
    budget.commitSucceeded();
    assert.equal(budget.report().intake, 'open');
    assert.deepEqual(lines.map((l) => l.msg.split(':')[0]), ['intake paused', 'WAL under byte pressure', 'intake resumed']);
    wal.close();
    assert.equal(integrity(path), 'ok');
  });
});
