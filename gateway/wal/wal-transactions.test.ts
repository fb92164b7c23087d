/**
 * Every multi-statement transaction of the Wal (`appendBatch`, `redriveDeadLetter`, `saveDelivery`
 * and its legacy-ahead path: all the `atomically(` calls in wal.ts), failed INSIDE the transaction
 * by a real SQLite trigger that hits its last statement. SQLite rolls the transaction back; the
 * Wal must roll its in-memory state back too. A seq taken inside and kept would leave a gap: the
 * delivery cursor never passes it, pending never reaches zero and pruning stops.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { pino } from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { GatewayError } from '../errors.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from './delivery-ledger.js';
import { Retention, RetentionConfigSchema } from './retention.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';

const log = pino({ level: 'silent' });
const rec = (id: string): WalRecord => ({ eventId: id, aggregateId: 'K', topic: 't', body: `{"eventId":"${id}"}` });
const recs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => rec(`${prefix}${i + 1}`));

/**
 * A WAL file with `n` events (seqs 1..n) and a second connection to it, as an operator's sqlite3
 * shell would have. The Wal's clock runs a second behind, so a retention of 0 finds every row old.
 */
function setUp(n: number) {
  const path = join(tempDir('wal-tx-test-'), 'wal.db');
  const open = () => new Wal(WalConfigSchema.parse({ path }), { now: () => Date.now() - 1000 });
  const wal = open();
  wal.appendBatch(recs('e', n));
  const side = new BetterSqlite3(path);
  return { path, wal, side, open };
}

const newLedger = (wal: Wal) => new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log });

const seqsOnDisk = (side: Database) => side.prepare('SELECT seq FROM events ORDER BY seq').pluck().all() as number[];
const cursorOnDisk = (side: Database) => side.prepare('SELECT seq FROM delivery_cursor WHERE id = 1').pluck().get() as number;

/** Runs `call`, which must fail as `wal_unavailable` with the trigger's message. */
function assertForcedFailure(call: () => unknown): void {
  assert.throws(call, (err: unknown) => {
    assert.ok(err instanceof GatewayError, `a GatewayError, got ${String(err)}`);
    assert.equal(err.code, 'wal_unavailable');
    assert.match(err.message, /forced/);
    return true;
  });
}

function addFailTrigger(side: Database, name: string, when: string): void {
  side.exec(`CREATE TRIGGER ${name} ${when} BEGIN SELECT RAISE(ABORT, 'forced'); END;`);
}

/**
 * After a failed transaction and with the trigger dropped: the next append takes exactly
 * lastSeq + 1; finishing every stored row (as the forwarder does: it finishes what it reads)
 * brings the cursor to lastSeq with nothing pending, so retention prunes every row; and the seqs
 * on disk are contiguous.
 */
async function assertNoGap(wal: Wal, side: Database, ledger = newLedger(wal)): Promise<void> {
  const lastSeq = wal.lastSeq;
  assert.deepEqual(wal.appendBatch([rec(`after-${lastSeq}`)]), [{ seq: lastSeq + 1, duplicate: false }], 'the next append takes lastSeq + 1');
  assert.equal(wal.lastSeq, lastSeq + 1);
  const seqs = seqsOnDisk(side);

  for (const e of wal.readAfter(0, 1000)) ledger.finish(e.seq);
  assert.equal(ledger.save(), true);
  assert.equal(ledger.cursor, wal.lastSeq, 'the cursor passes every seq');
  assert.equal(ledger.pendingEvents, 0);
  assert.equal(ledger.persistedCursor, wal.lastSeq);
  assert.equal(cursorOnDisk(side), wal.lastSeq);

  const retention = new Retention(RetentionConfigSchema.parse({ periodMs: 0, pruneIntervalMs: 1000 }), { wal, ledger, log });
  assert.equal(await retention.pruneExpired(), seqs.length, 'every finished row is pruned');
  assert.equal(wal.minSeq(), null);

  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i), 'the seqs on disk are contiguous');
  assert.equal(seqs.at(-1), lastSeq + 1, 'the last seq on disk is lastSeq');
}

describe('a WAL transaction that fails on its last statement leaves no gap', () => {
  it('appendBatch: an INSERT failing at the end of a batch stores nothing of it and takes no seq', async () => {
    const { wal, side } = setUp(3);
    addFailTrigger(side, 'fail_last_insert', "BEFORE INSERT ON events WHEN NEW.event_id = 'last'");
    const batch = [rec('n1'), rec('e2'), rec('n2'), rec('last')]; // e2: a duplicate inside the failing batch

    assertForcedFailure(() => wal.appendBatch(batch));

    assert.deepEqual(seqsOnDisk(side), [1, 2, 3], 'nothing of the batch is on disk');
    assert.equal(side.prepare("SELECT count(*) FROM events WHERE event_id IN ('n1', 'n2', 'last')").pluck().get(), 0);
    assert.equal(wal.lastSeq, 3);

    side.exec('DROP TRIGGER fail_last_insert');
    // The sender retries the same batch: it continues right after the last stored seq.
    assert.deepEqual(wal.appendBatch(batch), [
      { seq: 4, duplicate: false },
      { seq: 2, duplicate: true },
      { seq: 5, duplicate: false },
      { seq: 6, duplicate: false },
    ]);
    await assertNoGap(wal, side);
    side.close();
    await wal.stop();
  });

  it('redriveDeadLetter: the dead-letter UPDATE failing after the delete and insert changes nothing', async () => {
    const { wal, side } = setUp(4);
    wal.addDeadLetter(wal.readEvent(2)!, { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'too large' });
    wal.saveDelivery(0, [2]); // the dead letter's row is recorded as finished, as the ledger does
    addFailTrigger(side, 'fail_mark_redriven', 'BEFORE UPDATE ON dead_letters');

    assertForcedFailure(() => wal.redriveDeadLetter(2));

    assert.deepEqual(seqsOnDisk(side), [1, 2, 3, 4], 'the delete of seq 2 and the insert of seq 5 are rolled back');
    assert.equal(side.prepare('SELECT event_id FROM events WHERE seq = 2').pluck().get(), 'e2');
    assert.equal(side.prepare('SELECT redriven_seq FROM dead_letters WHERE seq = 2').pluck().get(), null);
    assert.equal(wal.deadLetters.openCount, 1);
    assert.equal(wal.lastSeq, 4);

    side.exec('DROP TRIGGER fail_mark_redriven');
    await assertNoGap(wal, side); // appends seq 5, finishes and prunes 1..5 (seq 2 is finished as a dead letter)
    // The re-drive, tried again, takes the next seq too.
    assert.deepEqual(wal.redriveDeadLetter(2), { seq: 2, redrivenSeq: 6 });
    assert.deepEqual(seqsOnDisk(side), [6]);
    assert.equal(wal.lastSeq, 6);
    side.close();
    await wal.stop();
  });

  it(
    'redriveDeadLetter of an eventId the log holds again (sent anew after its row was pruned) is refused and assigns no seq',
    async () => {
      const { wal, side } = setUp(3);
      wal.addDeadLetter(wal.readEvent(2)!, { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'too large' });
      const ledger = newLedger(wal);
      for (const seq of [1, 2, 3]) ledger.finish(seq);
      ledger.save();
      await new Retention(RetentionConfigSchema.parse({ periodMs: 0 }), { wal, ledger, log }).pruneExpired();
      assert.equal(wal.minSeq(), null);
      // Past retention e2 is no longer a duplicate: the sender's retry stores it as a new event.
      assert.deepEqual(wal.appendBatch([rec('e2')]), [{ seq: 4, duplicate: false }]);

      assert.throws(() => wal.redriveDeadLetter(2), (err) => err instanceof GatewayError && err.code === 'event_in_log_again' && err.kind === 'conflict');
      assert.equal(wal.deadLetters.openCount, 1, 'a refused re-drive changes nothing');
      assert.equal(wal.lastSeq, 4, 'and takes no seq');
      await assertNoGap(wal, side, ledger);
      side.close();
      await wal.stop();
    },
  );

  it('saveDelivery: a failed cursor UPDATE records nothing; the ledger keeps it and saves it later', async () => {
    const { wal, side } = setUp(5);
    const ledger = newLedger(wal);
    addFailTrigger(side, 'fail_cursor', 'BEFORE UPDATE ON delivery_cursor');
    for (const seq of [1, 2, 3, 5]) ledger.finish(seq);

    assertForcedFailure(() => wal.saveDelivery(3, [5]));
    assert.equal(ledger.save(), false, 'the ledger reports the refusal');
    assert.equal(ledger.health().saveFailures, 1);
    assert.equal(ledger.persistedCursor, 0);
    assert.deepEqual(side.prepare('SELECT seq, ahead FROM delivery_cursor').all(), [{ seq: 0, ahead: null }]);
    assert.equal(wal.lastSeq, 5);

    side.exec('DROP TRIGGER fail_cursor');
    assert.equal(ledger.save(), true, 'a later save records what the failed one did not');
    assert.equal(ledger.persistedCursor, 3);
    assert.deepEqual(wal.loadDelivery(), { cursor: 3, ahead: [5] });
    await assertNoGap(wal, side, ledger);
    side.close();
    await wal.stop();
  });

  it('saveDelivery, legacy-ahead path: the DELETE of delivered_ahead failing after the cursor UPDATE rolls both back', async () => {
    const { wal: first, side, open } = setUp(6);
    await first.stop();
    // What a version before migration 3 left: seqs delivered above the cursor, one row each.
    side.exec('INSERT INTO delivered_ahead (seq) VALUES (4), (5)');
    const wal = open();
    const ledger = newLedger(wal);
    assert.equal(ledger.isFinished(4), true);
    assert.equal(ledger.pendingEvents, 4);
    addFailTrigger(side, 'fail_clear_legacy', 'BEFORE DELETE ON delivered_ahead');
    ledger.finish(1);
    ledger.finish(2);

    assertForcedFailure(() => wal.saveDelivery(2, [4, 5]));
    assert.equal(ledger.save(), false);
    assert.deepEqual(side.prepare('SELECT seq, ahead FROM delivery_cursor').all(), [{ seq: 0, ahead: null }], 'the cursor UPDATE is rolled back');
    assert.deepEqual(side.prepare('SELECT seq FROM delivered_ahead ORDER BY seq').pluck().all(), [4, 5]);
    assert.equal(wal.lastSeq, 6);

    side.exec('DROP TRIGGER fail_clear_legacy');
    assert.equal(ledger.save(), true);
    assert.deepEqual(side.prepare('SELECT seq FROM delivered_ahead').pluck().all(), [], 'the retried save still moves the legacy rows');
    assert.equal(cursorOnDisk(side), 2);
    assert.deepEqual(wal.loadDelivery(), { cursor: 2, ahead: [4, 5] });
    await assertNoGap(wal, side, ledger);
    side.close();
    await wal.stop();
  });
});
