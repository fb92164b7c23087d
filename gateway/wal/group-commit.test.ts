import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import { GroupCommit } from './group-commit.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';

const rec = (id: string): WalRecord => ({ eventId: id, aggregateId: 'K', topic: 't', body: '{}' });

function walWithSpy() {
  const wal = new Wal(WalConfigSchema.parse({ path: join(tempDir('gc-test-'), 'wal.db') }));
  const groups: number[] = [];
  const real = wal.appendBatch.bind(wal);
  wal.appendBatch = (records, alongside) => {
    groups.push(records.length);
    return real(records, alongside);
  };
  return { wal, groups };
}

describe('group commit', () => {
  it('commits urgent appends of a turn in a transaction of their own, and answers them before the rest is committed', async () => {
    const { wal, groups } = walWithSpy();
    const commit = new GroupCommit(wal);
    let groupsWhenUrgentAnswered = -1;
    const [bulk, critical, more] = await Promise.all([
      commit.append([rec('b1'), rec('b2'), rec('b3')]),
      commit.append([rec('c1')], undefined, true).then((o) => ((groupsWhenUrgentAnswered = groups.length), o)),
      commit.append([rec('b4')]),
    ]);
    assert.deepEqual(groups, [1, 4], 'the urgent append first, alone; then the rest together');
    assert.equal(groupsWhenUrgentAnswered, 1, "the urgent caller continues before the rest's transaction (and its fsync) starts");
    assert.deepEqual(critical, [{ seq: 1, duplicate: false }]);
    assert.deepEqual(bulk.map((o) => o.seq), [2, 3, 4]);
    assert.deepEqual(more, [{ seq: 5, duplicate: false }]);
  });

  it('commits concurrent appends in one transaction and gives each caller its own outcomes', async () => {
    const { wal, groups } = walWithSpy();
    const commit = new GroupCommit(wal);
    let appended = 0;
    commit.onAppended(() => appended++);
    const results = await Promise.all([
      commit.append([rec('a'), rec('b')]),
      commit.append([rec('c')]),
      commit.append([rec('a'), rec('d')]),
    ]);
    assert.deepEqual(groups, [5], 'one transaction for the three requests');
    assert.deepEqual(results, [
      [{ seq: 1, duplicate: false }, { seq: 2, duplicate: false }],
      [{ seq: 3, duplicate: false }],
      [{ seq: 1, duplicate: true }, { seq: 4, duplicate: false }],
    ]);
    assert.equal(appended, 1);
  });

  it('resolves only after the commit', async () => {
    const { wal } = walWithSpy();
    const commit = new GroupCommit(wal);
    const pending = commit.append([rec('a')]);
    assert.equal(wal.readAfter(0, 10).length, 0, 'not committed synchronously');
    await pending;
    assert.equal(wal.readAfter(0, 10).length, 1);
  });

  it('fails every caller of a group whose commit fails, and stores none of it', async () => {
    const { wal } = walWithSpy();
    const commit = new GroupCommit(wal);
    const results = await Promise.allSettled([
      commit.append([rec('a')]),
      commit.append([{ ...rec('b'), body: null as unknown as string }]),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(wal.readAfter(0, 10).length, 0);
    // The next group is unaffected.
    assert.deepEqual(await commit.append([rec('a')]), [{ seq: 1, duplicate: false }]);
  });
});
