import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import type { WalRecord } from './stored-event.js';
import { RecentRows } from './recent-rows.js';
import { Wal, WalConfigSchema } from './wal.js';

const rec = (id: string, sender?: string): WalRecord => ({ eventId: id, aggregateId: `K-${id}`, topic: 't', body: `{"eventId":"${id}"}`, ...(sender ? { sender } : {}) });

it('the forwarder reads from memory exactly what a query returns, through replays, prunes, re-reads and a rolled-back append', () => {
  const path = join(tempDir('recent-rows-'), 'wal.db');
  const wal = new Wal(WalConfigSchema.parse({ path }));
  // A second connection has nothing in memory: every read is a query.
  const query = (after: number, limit: number) => {
    const other = new Wal(WalConfigSchema.parse({ path }));
    try {
      return other.readAfter(after, limit);
    } finally {
      void other.stop();
    }
  };
  const same = (after: number, limit: number) => assert.deepEqual(wal.readAfter(after, limit), query(after, limit), `readAfter(${after}, ${limit})`);

  wal.appendBatch([rec('a'), rec('b', 'desk-1'), rec('c')]);
  same(0, 10);
  // From memory: the same row objects each time (a query builds new ones).
  assert.equal(wal.readAfter(0, 1)[0], wal.readAfter(0, 1)[0], 'fresh rows are read from memory');
  same(1, 1);
  same(2, 10);
  same(3, 10);
  // A replay appends outside the group commit: its row is only in the database.
  wal.appendReplay([1], 'replay-1');
  wal.appendBatch([rec('d'), rec('a')]);
  for (let after = 0; after <= 5; after++) same(after, 10);
  // A rolled-back append leaves nothing behind, in memory either.
  assert.throws(() => wal.appendBatch([rec('e')], () => {
    throw new Error('alongside failed');
  }));
  same(5, 10);
  assert.deepEqual(wal.readAfter(5, 10), []);
  // Pruned rows are not read from memory.
  wal.deleteRange(1, 5);
  for (let after = 0; after <= 5; after++) same(after, 10);
  wal.appendBatch([rec('f')]);
  same(0, 10);
  same(5, 10);
  void wal.stop();
});

it('holds at most maxRows rows and maxChars body characters, the newest; pruning its oldest rows keeps the rest', () => {
  const row = (seq: number, body = 'x'.repeat(10)) => ({ seq, eventId: `e${seq}`, aggregateId: 'k', topic: 't', receivedAt: 0, body, replayOf: null, replayId: null, sender: null });
  const recent = new RecentRows({ maxRows: 5, maxChars: 45 });
  recent.add([1, 2, 3].map((s) => row(s)));
  recent.add([4, 5, 6, 7].map((s) => row(s)));
  // 7 rows of 10 characters: the 45-character bound keeps the newest 4.
  assert.equal(recent.after(2, 10), undefined, 'seq 3 was dropped');
  assert.deepEqual(recent.after(3, 10)?.map((r) => r.seq), [4, 5, 6, 7]);
  recent.add([row(8, ''), row(9, ''), row(10, ''), row(11, '')]);
  assert.deepEqual(recent.after(6, 10)?.map((r) => r.seq), [7, 8, 9, 10, 11], 'the 5-row bound');
  recent.deleted(1, 8);
  assert.equal(recent.after(8, 10)?.length, 3, 'pruning its oldest rows keeps the newer ones');
  assert.equal(recent.after(7, 10), undefined);
  recent.deleted(10, 10);
  assert.equal(recent.after(8, 10), undefined, 'a hole in the middle: nothing held');
});
