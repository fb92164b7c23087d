import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import { hasCode } from '../errors.js';
import { SCHEMA_VERSION } from './migrations.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';

const tempWal = () => join(tempDir('wal-test-'), 'wal.db');
const rec = (id: string, key = 'K'): WalRecord => ({ eventId: id, aggregateId: key, topic: 't', body: `{"eventId":"${id}"}` });
const open = (path: string, extra: Record<string, unknown> = {}, now?: () => number) =>
  new Wal(WalConfigSchema.parse({ path, ...extra }), now ? { now } : {});

describe('write-ahead log', () => {
  it('appends with gap-free increasing seqs, in WAL journal mode, at the current schema version', () => {
    const path = tempWal();
    const wal = open(path);
    assert.deepEqual(wal.appendBatch([rec('a'), rec('b')]), [{ seq: 1, duplicate: false }, { seq: 2, duplicate: false }]);
    assert.deepEqual(wal.appendBatch([rec('c')]), [{ seq: 3, duplicate: false }]);
    assert.equal(wal.lastSeq, 3);
    void wal.stop();
    const db = new BetterSqlite3(path);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.close();
  });

  it('stores a duplicate eventId once and points at the original, also within one batch', () => {
    const wal = open(tempWal());
    wal.appendBatch([rec('a'), rec('b')]);
    assert.deepEqual(wal.appendBatch([rec('b'), rec('c'), rec('c')]), [
      { seq: 2, duplicate: true },
      { seq: 3, duplicate: false },
      { seq: 3, duplicate: true },
    ]);
    assert.equal(wal.readAfter(0, 100).length, 3);
    assert.equal(wal.lastSeq, 3);
  });

  it('reads after a seq, in order, up to a limit', () => {
    const wal = open(tempWal());
    wal.appendBatch(Array.from({ length: 10 }, (_, i) => rec(`e${i}`)));
    const rows = wal.readAfter(3, 4);
    assert.deepEqual(rows.map((r) => r.seq), [4, 5, 6, 7]);
    assert.equal(rows[0]!.eventId, 'e3');
    assert.equal(rows[0]!.body, '{"eventId":"e3"}');
  });

  it('a failed commit stores nothing and uses no seq (wal-transactions.test.ts forces failures inside every transaction)', () => {
    const wal = open(tempWal());
    wal.appendBatch([rec('a')]);
    const broken = { ...rec('b'), body: null as unknown as string };
    assert.throws(() => wal.appendBatch([rec('x'), broken]), (e) => hasCode(e, 'wal_unavailable'));
    assert.equal(wal.readAfter(0, 10).length, 1);
    assert.deepEqual(wal.appendBatch([rec('x')]), [{ seq: 2, duplicate: false }]);
  });

  it('recovers the cursor, the ahead set and the next seq after reopening', () => {
    const path = tempWal();
    const wal = open(path);
    wal.appendBatch(Array.from({ length: 5 }, (_, i) => rec(`e${i}`)));
    wal.saveDelivery(2, [4]);
    // No close: the next open finds the file as a killed process leaves it.
    const again = open(path);
    assert.deepEqual(again.loadDelivery(), { cursor: 2, ahead: [4] });
    assert.equal(again.lastSeq, 5);
    assert.deepEqual(again.appendBatch([rec('e5')]), [{ seq: 6, duplicate: false }]);
    void wal.stop();
    void again.stop();
  });

  it('refuses a WAL written by a newer schema', () => {
    const path = tempWal();
    void open(path).stop();
    const db = new BetterSqlite3(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => open(path), /newer than this gateway understands/);
  });
});
