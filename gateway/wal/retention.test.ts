import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from './delivery-ledger.js';
import { AUTO_VACUUM_INCREMENTAL, migrate, SCHEMA_VERSION } from './migrations.js';
import { Retention, RetentionConfigSchema } from './retention.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';

const log = pino({ level: 'silent' });
const recs = (prefix: string, n: number): WalRecord[] =>
  Array.from({ length: n }, (_, i) => ({ eventId: `${prefix}${i + 1}`, aggregateId: 'K', topic: 't', body: '{}' }));

/** A WAL, a ledger and retention (period 1000 ms) on one clock the test moves. */
function setUp(path = join(tempDir('retention-test-'), 'wal.db')) {
  const clock = { now: 1_000_000 };
  const now = () => clock.now;
  const wal = new Wal(WalConfigSchema.parse({ path }), { now });
  const ledger = new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log });
  const retention = new Retention(RetentionConfigSchema.parse({ periodMs: 1000 }), { wal, ledger, log, now });
  /** Finishes `from..to` in memory; `save` also records it on disk. */
  const finish = (from: number, to: number, save = true) => {
    for (let seq = from; seq <= to; seq++) ledger.finish(seq);
    if (save) assert.equal(ledger.save(), true);
  };
  const storedSeqs = () => wal.readAfter(0, 1_000_000).map((e) => e.seq);
  return { path, clock, wal, ledger, retention, finish, storedSeqs };
}

describe('retention', () => {
  it('prunes only rows both finished on disk and older than the period', async () => {
    const { clock, wal, ledger, retention, finish, storedSeqs } = setUp();
    wal.appendBatch(recs('old', 30)); // 1..30
    clock.now += 5000;
    wal.appendBatch(recs('new', 10)); // 31..40, not older than the period yet

    finish(1, 20, false);
    assert.equal(ledger.cursor, 20);
    assert.equal(await retention.pruneExpired(), 0, 'finished in memory only: a crash would bring them back as pending');

    assert.equal(ledger.save(), true);
    assert.equal(await retention.pruneExpired(), 20, 'old, and finished on disk up to 20');
    assert.equal(wal.minSeq(), 21);

    finish(22, 25);
    assert.equal(await retention.pruneExpired(), 0, 'finished above the cursor (ahead) is not pruned');
    finish(21, 40);
    assert.equal(await retention.pruneExpired(), 10, 'the rest of the old ones');
    assert.deepEqual(storedSeqs(), [31, 32, 33, 34, 35, 36, 37, 38, 39, 40], 'recent ones stay for duplicate detection');

    clock.now += 1000;
    assert.equal(await retention.pruneExpired(), 0, 'exactly the period old is not older than it');
    clock.now += 1;
    assert.equal(await retention.pruneExpired(), 10);
    assert.equal(wal.minSeq(), null);
    assert.equal(await retention.pruneExpired(), 0, 'nothing left');
    assert.deepEqual(retention.health(), { periodMs: 1000, prunedEvents: 40, earlyPrunedEvents: 0, failures: 0 });
    await wal.stop();
  });

  it('prunes in chunks, the whole range at once', async () => {
    const { clock, wal, retention, finish } = setUp();
    wal.appendBatch(recs('e', 25_001));
    clock.now += 5000;
    finish(1, 25_000);
    assert.equal(await retention.pruneExpired(), 25_000);
    assert.equal(wal.minSeq(), 25_001);
    await wal.stop();
  });

  it('slices a large prune: the event loop runs between slices, and the freed pages go back to the file system', async () => {
    const { path, clock, wal, retention, finish } = setUp();
    for (let i = 0; i < 10; i++) wal.appendBatch(recs(`big${i}-`, 5000).map((r) => ({ ...r, body: JSON.stringify({ pad: 'x'.repeat(400) }) })));
    clock.now += 5000;
    finish(1, 50_000);
    wal.checkpoint();
    const before = statSync(path).size;
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const pruned = await retention.pruneExpired();
    clearInterval(ticker);
    assert.equal(pruned, 50_000);
    assert.ok(turns >= 20, `timers ran between the 25 slices (${turns} turns)`);
    const after = statSync(path).size;
    assert.ok(after < before / 4, `incremental vacuum and a checkpoint shrank the file (${before} -> ${after} bytes)`);
    assert.equal(statSync(`${path}-wal`).size, 0, 'the -wal file is truncated');
    await wal.stop();
  });

  it('a WAL file made before auto_vacuum is converted once (migration 6); a new one has it from the start', async () => {
    const dir = tempDir('retention-test-');
    const old = new BetterSqlite3(join(dir, 'old.db'));
    old.pragma('journal_mode = WAL');
    migrate(old, 3);
    old.prepare("INSERT INTO events VALUES (1, 'e1', 'K', 't', 0, '{}')").run();
    assert.equal(old.pragma('auto_vacuum', { simple: true }), 0);
    old.close();
    const converted = new Wal(WalConfigSchema.parse({ path: join(dir, 'old.db') }));
    await converted.stop();
    const fresh = new Wal(WalConfigSchema.parse({ path: join(dir, 'new.db') }));
    await fresh.stop();
    for (const f of ['old.db', 'new.db']) {
      const db = new BetterSqlite3(join(dir, f), { readonly: true });
      assert.equal(db.pragma('auto_vacuum', { simple: true }), AUTO_VACUUM_INCREMENTAL, f);
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION, f);
      if (f === 'old.db') assert.equal(db.prepare('SELECT event_id FROM events').pluck().get(), 'e1', 'the rows survive the VACUUM');
      db.close();
    }
  });

  it('never reuses a pruned seq: appends continue from lastSeq, also after a restart', async () => {
    const { path, clock, wal, retention, finish } = setUp();
    wal.appendBatch(recs('e', 5));
    finish(1, 5);
    clock.now += 5000;
    assert.equal(await retention.pruneExpired(), 5);
    assert.equal(wal.minSeq(), null);
    assert.equal(wal.lastSeq, 5);
    assert.deepEqual(wal.appendBatch(recs('f', 1)), [{ seq: 6, duplicate: false }]);
    finish(6, 6);
    clock.now += 5000;
    assert.equal(await retention.pruneExpired(), 1);
    await wal.stop();

    // The log is empty on disk: only the cursor remembers how far the seqs went.
    const again = setUp(path);
    assert.equal(again.wal.minSeq(), null);
    assert.equal(again.wal.lastSeq, 6);
    assert.deepEqual(again.wal.appendBatch(recs('g', 1)), [{ seq: 7, duplicate: false }]);
    assert.equal(again.ledger.pendingEvents, 1);
    await again.wal.stop();
  });

  it('pruneEarly ignores age but not the cursor on disk, takes at most maxRows, and counts apart', async () => {
    const { wal, ledger, retention, finish, storedSeqs } = setUp();
    wal.appendBatch(recs('e', 50)); // all received now: none past the period
    finish(1, 30);
    finish(31, 40, false);
    assert.equal(await retention.pruneExpired(), 0, 'too young to expire');

    assert.equal(await retention.pruneEarly(0), 0);
    assert.equal(await retention.pruneEarly(10), 10);
    assert.equal(wal.minSeq(), 11);
    assert.equal(await retention.pruneEarly(100), 20, 'up to the cursor on disk (30), not the one in memory (40)');
    assert.equal(ledger.cursor, 40);
    assert.equal(await retention.pruneEarly(100), 0);
    assert.equal(storedSeqs()[0], 31);
    assert.deepEqual(retention.health(), { periodMs: 1000, prunedEvents: 0, earlyPrunedEvents: 30, failures: 0 });
    await wal.stop();
  });

  it('forgets a pruned eventId: sent again, it is a new event with a new seq', async () => {
    const { clock, wal, retention, finish } = setUp();
    wal.appendBatch(recs('e', 3));
    assert.deepEqual(wal.appendBatch(recs('e', 1)), [{ seq: 1, duplicate: true }], 'within retention: a duplicate');
    finish(1, 3);
    clock.now += 5000;
    assert.equal(await retention.pruneExpired(), 3);
    assert.deepEqual(wal.appendBatch(recs('e', 1)), [{ seq: 4, duplicate: false }], 'past retention: stored again');
    assert.equal(wal.findEvent('e1')!.seq, 4);
    await wal.stop();
  });

  it('never throws: a WAL it cannot prune counts as a failure', async () => {
    const { clock, wal, retention, finish } = setUp();
    wal.appendBatch(recs('e', 3));
    finish(1, 3);
    clock.now += 5000;
    await wal.stop(); // the database is closed: every statement fails
    assert.equal(await retention.pruneExpired(), 0);
    assert.equal(await retention.pruneEarly(10), 0);
    assert.deepEqual(retention.health(), { periodMs: 1000, prunedEvents: 0, earlyPrunedEvents: 0, failures: 2 });
  });
});
