import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { tempDir } from '../../bench/temp-dir.js';
import { migrate } from './migrations.js';
import { Wal, WalConfigSchema } from './wal.js';

const walAt = (path: string) => new Wal(WalConfigSchema.parse({ path }));

it('migration 5 keeps the rows of a WAL written at version 4, with no sender', () => {
  const path = join(tempDir('sender-column-'), 'wal.db');
  const db = new BetterSqlite3(path);
  migrate(db, 4);
  db.prepare("INSERT INTO events (seq, event_id, aggregate_id, topic, received_at, body) VALUES (1, 'a', 'K', 't', 5, '{}')").run();
  db.close();
  const wal = walAt(path);
  assert.equal(wal.readEvent(1)!.sender, null);
  assert.deepEqual(wal.appendBatch([{ eventId: 'b', aggregateId: 'K', topic: 't', body: '{}', sender: 'oms-1' }]), [{ seq: 2, duplicate: false }]);
  assert.equal(wal.readEvent(2)!.sender, 'oms-1');
  wal.stop();
});

it('keeps the sender with a dead letter, a re-drive and a replay', () => {
  const wal = walAt(join(tempDir('sender-column-'), 'wal.db'));
  wal.appendBatch([{ eventId: 'a', aggregateId: 'K', topic: 't', body: '{"type":"TradeConfirmed"}', sender: 'booking' }]);
  wal.addDeadLetter(wal.readEvent(1)!, { code: 'ERR_X', message: 'refused' });
  wal.saveDelivery(1, []);
  const { redrivenSeq } = wal.redriveDeadLetter(1);
  assert.equal(wal.readEvent(redrivenSeq)!.sender, 'booking');
  wal.saveDelivery(redrivenSeq, []);
  const [copy] = wal.appendReplay([redrivenSeq], 'replay-1');
  assert.equal(wal.readEvent(copy!)!.sender, 'booking');
  wal.stop();
});
