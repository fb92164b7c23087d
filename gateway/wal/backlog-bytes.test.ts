import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { it } from 'node:test';
import { pino } from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from './delivery-ledger.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';

// Multi-byte UTF-8: é is 2 bytes, € 3, 𝄞 4 (a surrogate pair: 2 UTF-16 units).
const rec = (id: string, text: string): WalRecord => ({ eventId: id, aggregateId: 'K', topic: 't', body: `{"eventId":"${id}","text":"${text}"}` });
const records = [rec('a', 'plain'), rec('b', 'é'.repeat(10)), rec('c', '€'.repeat(100)), rec('d', '𝄞'.repeat(7)), rec('e', 'x'.repeat(1000)), rec('f', 'é€𝄞')];

it('the backlog in bytes is the UTF-8 body bytes of the unfinished rows: through appends, finishes in and out of order, a dead letter, a rollback, restarts, a re-drive and a replay (real SQLite file)', async () => {
  const path = join(tempDir('backlog-bytes-test-'), 'wal.db');
  const finished = new Set<number>();
  // The figure to match, straight from the file: every stored row not finished.
  const reader = () => new BetterSqlite3(path, { readonly: true });
  const sqlSum = (): number => {
    const db = reader();
    try {
      const seqs = JSON.stringify([...finished]);
      return db.prepare('SELECT coalesce(sum(length(CAST(body AS BLOB))), 0) FROM events WHERE seq NOT IN (SELECT value FROM json_each(?))').pluck().get(seqs) as number;
    } finally {
      db.close();
    }
  };
  const open = () => {
    const wal = new Wal(WalConfigSchema.parse({ path }));
    return { wal, ledger: new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log: pino({ level: 'silent' }) }) };
  };
  const finish = (ledger: DeliveryLedger, seq: number) => {
    ledger.finish(seq, { partition: 0, offset: seq });
    finished.add(seq);
  };

  let { wal, ledger } = open();
  assert.equal(ledger.pendingBytes, 0);
  wal.appendBatch(records.slice(0, 4));
  const expected = records.slice(0, 4).reduce((n, r) => n + Buffer.byteLength(r.body), 0);
  assert.equal(ledger.pendingBytes, expected);
  assert.equal(ledger.pendingBytes, sqlSum());
  assert.notEqual(expected, records.slice(0, 4).reduce((n, r) => n + r.body.length, 0), 'bytes, not UTF-16 units');
  assert.equal(ledger.health().pendingBytes, expected);

  // A duplicate is not stored again; a batch that rolls back leaves nothing, bytes included.
  wal.appendBatch([records[1]!, ...records.slice(4)]);
  assert.throws(() => wal.appendBatch([rec('rolled-back', '€'.repeat(50))], () => { throw new Error('the FIX store failed'); }));
  assert.equal(wal.lastSeq, 6);
  assert.equal(ledger.pendingBytes, sqlSum());

  finish(ledger, 1); // in order
  finish(ledger, 3); // ahead of the cursor
  assert.equal(ledger.pendingBytes, sqlSum());
  finish(ledger, 3); // a second report for the same row changes nothing
  finish(ledger, 1);
  assert.equal(ledger.pendingBytes, sqlSum());
  wal.addDeadLetter(wal.readEvent(2)!, { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'Broker: Message size too large' });
  ledger.finish(2); // dead-lettered: no position
  finished.add(2);
  finish(ledger, 5); // ahead again: the cursor stays at 3
  assert.equal(ledger.cursor, 3);
  assert.equal(ledger.pendingBytes, sqlSum());
  assert.ok(ledger.save());
  await wal.stop();

  // Restart: one scan of the rows above the cursor, less those finished ahead of it.
  ({ wal, ledger } = open());
  assert.equal(ledger.pendingBytes, sqlSum());
  assert.equal(ledger.pendingBytes, Buffer.byteLength(records[3]!.body) + Buffer.byteLength(records[5]!.body));

  // A re-drive deletes its finished row and appends it anew; a replay appends a copy.
  const { redrivenSeq } = wal.redriveDeadLetter(2);
  assert.equal(ledger.pendingBytes, sqlSum());
  assert.deepEqual(wal.appendReplay([3], 'replay-1'), [redrivenSeq + 1]);
  assert.equal(ledger.pendingBytes, sqlSum());
  assert.equal(ledger.pendingBytes, [records[3], records[5], records[1], records[2]].reduce((n, r) => n + Buffer.byteLength(r!.body), 0));
  finish(ledger, redrivenSeq + 1);
  finish(ledger, 4);
  assert.equal(ledger.pendingBytes, sqlSum());
  assert.ok(ledger.save());
  await wal.stop();

  ({ wal, ledger } = open());
  assert.equal(ledger.pendingBytes, sqlSum());
  finish(ledger, 6);
  finish(ledger, redrivenSeq);
  assert.equal(ledger.pendingEvents, 0);
  assert.equal(ledger.pendingBytes, 0);
  assert.equal(sqlSum(), 0);
  await wal.stop();
});
