import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { tempDir } from '../../../bench/temp-dir.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from '../../wal/delivery-ledger.js';
import { Wal, WalConfigSchema } from '../../wal/wal.js';
import { matchReadBack, Reconciler, type OwnRecord, type PendingRows, type TailReader } from './reconciler.js';

const own = (seq: number, eventId: string, offset = seq * 10, topic = 't'): OwnRecord => ({ seq, topic, eventId, partition: seq % 3, offset });

describe('matchReadBack', () => {
  /** Seqs 1..6 hold e1..e6; 1 and 2 are finished. */
  const rows: PendingRows = {
    isFinished: (seq) => seq <= 2,
    eventIdAt: (seq) => (seq >= 1 && seq <= 6 ? `e${seq}` : undefined),
  };

  it('finishes a pending seq read back with its eventId', () => {
    assert.deepEqual(matchReadBack([own(3, 'e3')], rows), [own(3, 'e3')]);
  });

  it('does not finish a seq read back with another eventId (a WAL that was reset)', () => {
    assert.deepEqual(matchReadBack([own(3, 'from-an-earlier-wal')], rows), []);
  });

  it('does not finish a seq already finished', () => {
    assert.deepEqual(matchReadBack([own(2, 'e2')], rows), []);
  });

  it('does not finish a seq the WAL no longer holds', () => {
    assert.deepEqual(matchReadBack([own(7, 'e7'), own(0, 'e0')], rows), []);
  });

  it('counts a seq read twice (a duplicate in Kafka) once: the first read', () => {
    assert.deepEqual(matchReadBack([own(4, 'e4', 40), own(4, 'e4', 41)], rows), [own(4, 'e4', 40)]);
  });

  it('keeps the order of the records read, dropping what does not match', () => {
    const found = [own(6, 'e6'), own(2, 'e2'), own(3, 'x'), own(4, 'e4'), own(6, 'e6', 99), own(3, 'e3'), own(9, 'e9')];
    assert.deepEqual(matchReadBack(found, rows), [own(6, 'e6'), own(4, 'e4'), own(3, 'e3')]);
  });

  it('matches nothing in nothing', () => {
    assert.deepEqual(matchReadBack([], rows), []);
  });
});

describe('Reconciler.reconcile', () => {
  const log = pino({ level: 'silent' });

  /** A stand-in for Kafka: records the topics it is asked for and answers with `answer`. */
  function stubTail(answer: () => Promise<OwnRecord[]>) {
    const asked: Array<ReadonlyArray<{ topic: string; since: number }>> = [];
    const tail: TailReader = {
      read(topics) {
        asked.push(topics.map((t) => ({ ...t })));
        return answer();
      },
    };
    return { tail, asked };
  }

  /**
   * Seqs 1..2 are finished (topic `old`, then `a`); 3..6 are pending, on topics `a` and `b`,
   * received at 2000, 3000, 4000 and 5000.
   */
  function setUp(answer: () => Promise<OwnRecord[]>) {
    let now = 1000;
    const wal = new Wal(WalConfigSchema.parse({ path: join(tempDir('reconciler-test-'), 'wal.db') }), { now: () => now });
    const append = (eventId: string, topic: string) => wal.appendBatch([{ eventId, aggregateId: 'K', topic, body: '{}' }]);
    append('e1', 'old');
    append('e2', 'a');
    for (const [id, topic] of [['e3', 'a'], ['e4', 'b'], ['e5', 'a'], ['e6', 'b']] as const) {
      now += 1000;
      append(id, topic);
    }
    const ledger = new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log });
    ledger.finish(1);
    ledger.finish(2);
    const { tail, asked } = stubTail(answer);
    return { wal, ledger, asked, reconciler: new Reconciler({ wal, ledger, tail, log }) };
  }

  /** What Kafka holds of this gateway: 3 and 5 (5 twice), 4 under another eventId, 1 again, and a seq the WAL never had. */
  const readBack = [
    own(3, 'e3', 30, 'a'),
    own(4, 'other-e4', 31, 'b'),
    own(5, 'e5', 32, 'a'),
    own(5, 'e5', 33, 'a'),
    own(1, 'e1', 5, 'old'),
    own(99, 'e99', 34, 'b'),
  ];

  const pendingState = (ledger: DeliveryLedger) => ({ cursor: ledger.cursor, pending: ledger.pendingEvents, finished: [3, 4, 5, 6].filter((s) => ledger.isFinished(s)) });

  it('reads back exactly the topics of the pending rows, since their earliest receipt, and finishes what matches', async () => {
    const { wal, ledger, asked, reconciler } = setUp(async () => readBack);

    assert.equal(await reconciler.reconcile(), 2);

    assert.deepEqual(
      [...asked[0]!].sort((x, y) => x.topic.localeCompare(y.topic)),
      [{ topic: 'a', since: 2000 }, { topic: 'b', since: 3000 }],
      'not `old` (finished), and `a` since its first pending row, not its finished one',
    );
    assert.deepEqual(pendingState(ledger), { cursor: 3, pending: 2, finished: [3, 5] });
    assert.deepEqual(ledger.statusOf('e3'), { status: 'forwarded', seq: 3, topic: 'a', partition: 0, offset: 30, receivedAt: new Date(2000).toISOString() });
    assert.deepEqual(ledger.statusOf('e5'), { status: 'forwarded', seq: 5, topic: 'a', partition: 2, offset: 32, receivedAt: new Date(4000).toISOString() });
    assert.equal(ledger.statusOf('e4')!.status, 'accepted');
    assert.deepEqual(reconciler.figures(), { readBacks: 1, recoveredByReadBack: 2 });

    // A second run finds nothing new: the rows it finished are finished.
    assert.equal(await reconciler.reconcile(), 0);
    assert.deepEqual(reconciler.figures(), { readBacks: 2, recoveredByReadBack: 2 });
    assert.equal(asked.length, 2);
    await wal.stop();
  });

  it('changes nothing when it is no longer wanted once the read returns', async () => {
    const { wal, ledger, asked, reconciler } = setUp(async () => readBack);
    const before = pendingState(ledger);

    assert.equal(await reconciler.reconcile(() => false), 0);

    assert.equal(asked.length, 1, 'it did read');
    assert.deepEqual(pendingState(ledger), before);
    assert.equal(ledger.statusOf('e3')!.status, 'accepted');
    assert.deepEqual(reconciler.figures(), { readBacks: 0, recoveredByReadBack: 0 });
    await wal.stop();
  });

  it('rejects when Kafka cannot be read, and changes nothing', async () => {
    const down = new Error('all brokers down');
    const { wal, ledger, reconciler } = setUp(() => Promise.reject(down));
    const before = pendingState(ledger);

    await assert.rejects(reconciler.reconcile(), (err) => err === down);

    assert.deepEqual(pendingState(ledger), before);
    assert.deepEqual(reconciler.figures(), { readBacks: 0, recoveredByReadBack: 0 });
    await wal.stop();
  });
});
