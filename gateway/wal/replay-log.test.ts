import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import { migrate } from './migrations.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';

const rec = (id: string, type: string, key: string): WalRecord => ({
  eventId: id,
  aggregateId: key,
  topic: 't',
  body: JSON.stringify({ eventId: id, type, aggregateId: key, payload: {} }),
});

describe('replay rows in the WAL', () => {
  const setup = () => {
    let now = 1_000;
    const wal = new Wal(WalConfigSchema.parse({ path: join(tempDir('replay-log-'), 'wal.db') }), { now: () => now });
    wal.appendBatch([rec('a', 'TradeConfirmed', 'K1'), rec('b', 'TradeAmended', 'K1')]);
    now = 2_000;
    wal.appendBatch([rec('c', 'TradeConfirmed', 'K2'), rec('d', 'TradeConfirmed', 'K1'), rec('e', 'TradeConfirmed', 'K1')]);
    return { wal, setNow: (t: number) => (now = t) };
  };
  const seqs = (xs: Array<{ seq: number }>) => xs.map((x) => x.seq);

  it('selects delivered events by seq range, time range, type and key, all together', () => {
    const { wal } = setup();
    const sel = (f: object, cursor = 4) => seqs(wal.replays.select(f, cursor, 100));
    assert.deepEqual(sel({}), [1, 2, 3, 4], 'only events at or below the delivered cursor');
    assert.deepEqual(sel({ fromSeq: 2, toSeq: 3 }), [2, 3]);
    assert.deepEqual(sel({ receivedFrom: 2_000 }), [3, 4]);
    assert.deepEqual(sel({ receivedTo: 2_000 }), [1, 2], 'the end of the time range is exclusive');
    assert.deepEqual(sel({ type: 'TradeConfirmed' }), [1, 3, 4]);
    assert.deepEqual(sel({ aggregateId: 'K1', type: 'TradeConfirmed' }), [1, 4]);
    assert.deepEqual(sel({ aggregateId: 'K1' }, 5), [1, 2, 4, 5]);
    assert.deepEqual(seqs(wal.replays.select({}, 5, 2)), [1, 2], 'at most limit');
    assert.deepEqual(wal.replays.select({ toSeq: 1 }, 5, 9)[0], { seq: 1, eventId: 'a', type: 'TradeConfirmed', aggregateId: 'K1', topic: 't', receivedAt: 1_000 });
  });

  it('appends copies as new rows marked with the replay, which keep duplicate detection on the originals', () => {
    const { wal, setNow } = setup();
    setNow(3_000);
    assert.deepEqual(wal.appendReplay([1, 4], 'replay-x'), [6, 7]);
    assert.equal(wal.lastSeq, 7);
    const [r6, r7] = wal.readAfter(5, 10);
    assert.deepEqual(r6, { ...wal.readEvent(1)!, seq: 6, receivedAt: 3_000, replayOf: 1, replayId: 'replay-x' });
    assert.equal(r7!.replayOf, 4);
    assert.equal(wal.readEvent(1)!.replayOf, null);
    assert.deepEqual(wal.findEvent('a'), { seq: 1, topic: 't', receivedAt: 1_000 }, 'the eventId still names the original');
    assert.deepEqual(wal.appendBatch([rec('a', 'TradeConfirmed', 'K1')]), [{ seq: 1, duplicate: true }]);
    assert.deepEqual(seqs(wal.replays.select({}, 7, 100)), [1, 2, 3, 4, 5], 'replays are not replayed again');
  });

  it('migration 4 keeps the rows of a WAL written at version 3', () => {
    const path = join(tempDir('replay-log-'), 'wal.db');
    const db = new BetterSqlite3(path);
    migrate(db, 3);
    db.prepare("INSERT INTO events VALUES (1, 'a', 'K', 't', 5, '{}')").run();
    db.close();
    const wal = new Wal(WalConfigSchema.parse({ path }));
    assert.deepEqual(wal.readEvent(1), { seq: 1, eventId: 'a', aggregateId: 'K', topic: 't', receivedAt: 5, body: '{}', replayOf: null, replayId: null, sender: null });
    assert.deepEqual(wal.appendBatch([{ eventId: 'a', aggregateId: 'K', topic: 't', body: '{}' }]), [{ seq: 1, duplicate: true }], 'still unique');
  });
});
