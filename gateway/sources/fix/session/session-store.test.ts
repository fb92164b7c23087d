import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../../bench/temp-dir.js';
import { GroupCommit } from '../../../wal/group-commit.js';
import { Wal } from '../../../wal/wal.js';
import { SessionStore } from './session-store.js';

const record = (id: string) => ({ eventId: id, aggregateId: 'A', topic: 't', body: `{"eventId":"${id}"}` });
const out = (seq: number) => ({ seq, msgType: 'AR', bytes: Buffer.from(`m${seq}`) });

describe('SessionStore', () => {
  it('persists sequence numbers and outbound messages in the same commit as the events, across a reopen', async () => {
    const path = join(tempDir('fix-store-'), 'wal.db');
    const wal = new Wal({ path, synchronous: 'full' });
    const store = wal.companion((db) => new SessionStore(db, { keepOutboundMessages: 100 }));
    assert.deepEqual(store.load('S'), { nextSenderSeq: 1, nextTargetSeq: 1 });
    const commit = new GroupCommit(wal);
    await commit.append([record('e1')], () => store.record('S', { sent: [out(1)], nextSenderSeq: 2, nextTargetSeq: 2 }));
    // A failing commit leaves neither the events nor the session state.
    await assert.rejects(commit.append([record('e2')], () => {
      store.record('S', { sent: [out(2)], nextSenderSeq: 3, nextTargetSeq: 3 });
      throw new Error('boom');
    }));
    await wal.stop();
    const again = new Wal({ path, synchronous: 'full' });
    const s2 = again.companion((db) => new SessionStore(db, { keepOutboundMessages: 100 }));
    assert.deepEqual(s2.load('S'), { nextSenderSeq: 2, nextTargetSeq: 2 });
    assert.deepEqual(s2.outbound('S', 1, 10).map((o) => o.seq), [1]);
    assert.equal(again.findEvent('e2'), undefined);
    assert.ok(again.findEvent('e1'));
    await again.stop();
  });

  it('a reset voids stored messages; recordAlone without a target keeps the target; prune keeps the newest', async () => {
    const wal = new Wal({ path: ':memory:', synchronous: 'full' });
    const store = wal.companion((db) => new SessionStore(db, { keepOutboundMessages: 2 }));
    store.load('S');
    store.recordAlone('S', { sent: [out(1), out(2), out(3)], nextSenderSeq: 4, nextTargetSeq: 9 });
    store.recordAlone('S', { sent: [out(4)], nextSenderSeq: 5 });
    assert.deepEqual(store.load('S'), { nextSenderSeq: 5, nextTargetSeq: 9 });
    store.prune('S', 5);
    assert.deepEqual(store.outbound('S', 1, 10).map((o) => o.seq), [3, 4]);
    store.recordAlone('S', { reset: true, sent: [out(1)], nextSenderSeq: 2, nextTargetSeq: 2 });
    assert.deepEqual(store.outbound('S', 1, 10).map((o) => o.seq), [1]);
    assert.equal(store.load('T').nextSenderSeq, 1, 'sessions are apart');
    await wal.stop();
  });
});
