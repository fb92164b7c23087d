import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import { hasCode } from '../errors.js';
import { Wal, WalConfigSchema } from './wal.js';

const body = (id: string) => JSON.stringify({ eventId: id, type: 'TradeConfirmed', payload: { n: 1 } });

function setUp() {
  const path = join(tempDir('dl-test-'), 'wal.db');
  const wal = new Wal(WalConfigSchema.parse({ path }), { now: () => Date.UTC(2026, 10, 29) });
  wal.appendBatch(['a', 'b', 'c'].map((id) => ({ eventId: id, aggregateId: 'K', topic: 't', body: body(id) })));
  return { path, wal, store: wal.deadLetters };
}

it('keeps a refused event whole with its error, once, and lists without bodies', async () => {
  const { path, wal, store } = setUp();
  const b = wal.readEvent(2)!;
  wal.addDeadLetter(b, { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'message size too large' });
  wal.addDeadLetter(b, { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'again, after a crash' }); // recorded once
  const [summary, ...rest] = store.list(0, 10);
  assert.equal(rest.length, 0);
  assert.deepEqual(summary, {
    seq: 2,
    eventId: 'b',
    aggregateId: 'K',
    topic: 't',
    receivedAt: new Date(b.receivedAt).toISOString(),
    failedAt: '2026-11-29T00:00:00.000Z',
    error: { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'message size too large' },
    bodyBytes: Buffer.byteLength(body('b')),
  });
  assert.deepEqual(store.get(2)!.event, JSON.parse(body('b')));
  assert.equal(store.get(3), undefined);
  assert.equal(store.openCount, 1);
  await wal.stop();
  // Survives a restart: it lives in the WAL file.
  const again = new Wal(WalConfigSchema.parse({ path }));
  assert.equal(again.deadLetters.list(0, 10)[0]!.eventId, 'b');
  await again.stop();
});

it('the WAL re-drives a dead letter as a new event at the end of the log, once', () => {
  const { wal, store } = setUp();
  wal.addDeadLetter(wal.readEvent(2)!, { code: 'ERR__UNKNOWN_TOPIC', message: 'unknown topic' });
  wal.saveDelivery(0, [2]); // the dead letter finished its row (the ledger records it)
  assert.deepEqual(wal.redriveDeadLetter(2), { seq: 2, redrivenSeq: 4 });
  assert.deepEqual(wal.readAfter(0, 10).map((e) => [e.seq, e.eventId]), [[1, 'a'], [3, 'c'], [4, 'b']], 'same eventId, new seq');
  assert.equal(wal.lastSeq, 4);
  assert.equal(store.get(2)!.redrivenSeq, 4);
  assert.equal(store.openCount, 0);
  assert.throws(() => wal.redriveDeadLetter(2), (e) => hasCode(e, 'already_redriven') && e.kind === 'conflict');
  assert.throws(() => wal.redriveDeadLetter(99), (e) => hasCode(e, 'dead_letter_not_found') && e.kind === 'not_found');
  assert.equal(wal.lastSeq, 4, 'a refused re-drive takes no seq');
  assert.deepEqual(wal.readAfter(0, 10).map((e) => e.seq), [1, 3, 4], 'a refused re-drive changes nothing');
});

it('refuses to re-drive a dead letter whose row is not yet recorded as finished (a crash came between), so no gap opens', () => {
  const { wal, store } = setUp();
  wal.addDeadLetter(wal.readEvent(2)!, { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'too large' });
  wal.saveDelivery(1, []); // seq 2 was finished in memory only when the gateway died
  assert.throws(() => wal.redriveDeadLetter(2), (e) => hasCode(e, 'dead_letter_not_recorded') && e.kind === 'unavailable' && e.retryAfterSeconds === 1);
  assert.deepEqual(wal.readAfter(0, 10).map((e) => e.seq), [1, 2, 3], 'its row is kept: it is still pending, and will be finished again');
  assert.equal(wal.lastSeq, 3);
  assert.equal(store.openCount, 1);
  wal.saveDelivery(2, []);
  assert.deepEqual(wal.redriveDeadLetter(2), { seq: 2, redrivenSeq: 4 }, 'once recorded, it goes');
});
