import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { packAhead, unpackAhead } from './ahead-packing.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from './delivery-ledger.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import { Wal, WalConfigSchema } from './wal.js';

const MAX_OFFSET = 2 ** 32 - 1;
const roundTrip = (cursor: number, ahead: number[]) => unpackAhead(cursor, packAhead(cursor, ahead));

describe('packing the ahead set', () => {
  it('packs nothing as null, and null unpacks as the empty set', () => {
    assert.equal(packAhead(7, []), null);
    assert.deepEqual(unpackAhead(7, null), []);
  });

  it('round-trips one seq as one 4-byte little-endian offset from the cursor', () => {
    const packed = packAhead(100, [103]);
    assert.deepEqual(packed, Buffer.from([3, 0, 0, 0]));
    assert.deepEqual(unpackAhead(100, packed), [103]);
  });

  it('round-trips many seqs, sorted, whatever order they come in, without touching the input', () => {
    const ahead = [50, 12, 1000, 13, 7];
    assert.deepEqual(roundTrip(5, ahead), [7, 12, 13, 50, 1000]);
    assert.equal(packAhead(5, ahead)!.length, 5 * 4);
    assert.deepEqual(ahead, [50, 12, 1000, 13, 7]);
  });

  it('drops the seqs at or below the cursor (the cursor covers them)', () => {
    assert.deepEqual(roundTrip(10, [3, 10, 11, 9, 20]), [11, 20]);
    assert.equal(packAhead(10, [1, 10]), null);
  });

  it('holds offsets up to 2^32 - 1, and refuses a larger one rather than wrapping it', () => {
    const cursor = 2 ** 40;
    assert.deepEqual(roundTrip(cursor, [cursor + MAX_OFFSET, cursor + 1]), [cursor + 1, cursor + MAX_OFFSET]);
    assert.deepEqual(roundTrip(0, [MAX_OFFSET]), [MAX_OFFSET]);
    assert.throws(() => packAhead(0, [MAX_OFFSET + 1]), RangeError);
  });
});

describe('a WAL written before the ahead set was packed (schema version 2)', () => {
  const log = pino({ level: 'silent' });

  /** A file as a version-2 gateway left it (shipped migrations never change, so migrations 1-2 are that schema). */
  function writeVersion2File(path: string): void {
    const db = new BetterSqlite3(path);
    migrate(db, 2);
    const insert = db.prepare('INSERT INTO events (seq, event_id, aggregate_id, topic, received_at, body) VALUES (?, ?, ?, ?, ?, ?)');
    for (let seq = 1; seq <= 10; seq++) insert.run(seq, `e${seq}`, 'K', 't', 1_700_000_000_000 + seq, `{"eventId":"e${seq}"}`);
    db.exec('UPDATE delivery_cursor SET seq = 3 WHERE id = 1; INSERT INTO delivered_ahead (seq) VALUES (5), (7);');
    db.close();
  }

  function readOnDisk(path: string) {
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      return {
        version: db.pragma('user_version', { simple: true }) as number,
        cursor: db.prepare('SELECT seq, ahead FROM delivery_cursor WHERE id = 1').get() as { seq: number; ahead: Buffer | null },
        legacyRows: db.prepare('SELECT seq FROM delivered_ahead ORDER BY seq').pluck().all() as number[],
      };
    } finally {
      db.close();
    }
  }

  const open = (path: string) => new Wal(WalConfigSchema.parse({ path }));
  const ledgerOn = (wal: Wal) => new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log });

  it('migrates, keeps the delivered rows finished, and moves them into the packed column on the next save', async () => {
    const path = join(tempDir('ahead-upgrade-test-'), 'wal.db');
    writeVersion2File(path);

    const wal = open(path);
    assert.equal(readOnDisk(path).version, SCHEMA_VERSION);
    assert.equal(wal.lastSeq, 10);
    const loaded = wal.loadDelivery();
    assert.equal(loaded.cursor, 3);
    assert.deepEqual([...loaded.ahead].sort((a, b) => a - b), [5, 7]);

    const ledger = ledgerOn(wal);
    assert.deepEqual([4, 5, 6, 7].map((s) => ledger.isFinished(s)), [false, true, false, true]);
    assert.equal(ledger.pendingEvents, 10 - 3 - 2);

    ledger.finish(4);
    assert.equal(ledger.cursor, 5, '4 fills the gap below 5');
    assert.equal(ledger.save(), true);
    const disk = readOnDisk(path);
    assert.equal(disk.cursor.seq, 5);
    assert.deepEqual(disk.legacyRows, [], 'delivered_ahead is emptied');
    assert.deepEqual(unpackAhead(5, disk.cursor.ahead), [7], 'the packed column holds 7');
    await wal.stop();

    const again = open(path);
    assert.deepEqual(again.loadDelivery(), { cursor: 5, ahead: [7] });
    const reopened = ledgerOn(again);
    assert.equal(reopened.isFinished(7), true);
    assert.equal(reopened.isFinished(6), false);
    assert.equal(reopened.pendingEvents, 10 - 5 - 1);
    assert.equal(readOnDisk(path).version, SCHEMA_VERSION);
    await again.stop();
  });
});
