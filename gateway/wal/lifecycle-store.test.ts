import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import type { LifecycleFact } from '../catalogue/lifecycle-rules.js';
import { samplePayload } from '../catalogue/sample-events.js';
import { migrate } from './migrations.js';
import type { WalRecord } from './stored-event.js';
import { Wal, WalConfigSchema } from './wal.js';

const LEI = 'HWUPKR0MPOU8FGXBT394';
const TYPES = { NEWT: 'TradeConfirmed', MODI: 'TradeAmended', TERM: 'TradeTerminated', EROR: 'TradeCancelled', REVI: 'TradeRevived', VALU: 'ValuationReported' } as const;

/** A catalogue event as the WAL stores it, with the fact the pipeline would hand over. */
function rec(id: string, uti: string, action: keyof typeof TYPES, payload: Record<string, unknown> = {}): WalRecord {
  const type = TYPES[action];
  const version = type === 'ValuationReported' ? 2 : 1;
  const p = { ...samplePayload(type, version, uti), ...payload };
  const lifecycle: LifecycleFact = { uti, action, ...(typeof p.executedAt === 'string' ? { executedAt: p.executedAt } : {}), ...(typeof p.eventDate === 'string' ? { eventDate: p.eventDate } : {}) };
  return { eventId: id, aggregateId: uti, topic: 't', body: JSON.stringify({ eventId: id, type, version, payload: p }), lifecycle };
}
const open = (path: string) => new Wal(WalConfigSchema.parse({ path }));
const status = (o: { seq: number; duplicate: boolean; rejected?: Array<{ code: string }> }) => (o.rejected ? o.rejected.map((e) => e.code).join(',') : o.duplicate ? 'duplicate' : 'stored');

describe('lifecycle read model in the WAL', () => {
  it('judges records in seq order within one append: a MODI before its NEWT is refused, after it taken', () => {
    const wal = open(join(tempDir('lc-'), 'wal.db'));
    const u = `${LEI}A1`;
    const out = wal.appendBatch([rec('m0', u, 'MODI'), rec('n', u, 'NEWT'), rec('m1', u, 'MODI'), rec('n2', u, 'NEWT'), rec('t', u, 'TERM'), rec('v', u, 'VALU'), rec('r', u, 'REVI')]);
    assert.deepEqual(out.map(status), ['lifecycle_not_started', 'stored', 'stored', 'lifecycle_already_started', 'stored', 'lifecycle_ended', 'stored']);
    assert.deepEqual(out.map((o) => o.seq), [0, 1, 2, 0, 3, 0, 4], 'refused records take no seq');
    assert.equal(wal.lastSeq, 4);
    assert.deepEqual(wal.lifecycle.state(u), { uti: u, status: 'open', executedAt: '2026-11-02T09:30:00.123Z', lastAction: 'REVI', lastSeq: 4, events: 4 });
  });

  it('answers a re-sent event as a duplicate, not as a lifecycle violation', () => {
    const wal = open(join(tempDir('lc-'), 'wal.db'));
    const u = `${LEI}A2`;
    wal.appendBatch([rec('n', u, 'NEWT')]);
    assert.deepEqual(wal.appendBatch([rec('n', u, 'NEWT'), rec('n-other', u, 'NEWT')]).map(status), ['duplicate', 'lifecycle_already_started']);
  });

  it('rolls back with the append: a failed transaction leaves the model as it was', () => {
    const wal = open(join(tempDir('lc-'), 'wal.db'));
    const u = `${LEI}A3`;
    wal.appendBatch([rec('x', 'OTHER', 'NEWT', { uti: 'OTHER' })]);
    const bad = { ...rec('m', u, 'MODI'), body: null as unknown as string }; // NOT NULL body: the insert fails
    assert.throws(() => wal.appendBatch([rec('n0', u, 'NEWT'), bad]));
    assert.equal(wal.lifecycle.state(u), undefined);
    assert.deepEqual(wal.appendBatch([rec('n0', u, 'NEWT')]).map(status), ['stored']);
  });

  it('rebuilt from the log after mixed lifecycles, equals the live model; rebuilt on start when missing or of another version', () => {
    const path = join(tempDir('lc-'), 'wal.db');
    const wal = open(path);
    const actions = ['NEWT', 'MODI', 'VALU', 'TERM', 'REVI', 'MODI', 'EROR', 'MODI', 'REVI', 'VALU', 'NEWT'] as const;
    let n = 0;
    for (let round = 0; round < 40; round++) {
      const batch: WalRecord[] = [];
      for (let k = 0; k < 7; k++) {
        const u = `${LEI}U${(round * 3 + k) % 25}`;
        const a = actions[(round + k * 5) % actions.length]!;
        batch.push(rec(`e${n++}`, u, a, a === 'MODI' && k === 3 ? { executedAt: '2026-11-02T10:00:00Z' } : {}));
      }
      wal.appendBatch(batch);
    }
    // Replayed copies (admin replay) are the same events again: they never change a UTI's lifecycle.
    wal.appendReplay([1, 2, 3, 4, 5, 6, 7], 'replay-lc');
    const live = wal.lifecycle.all();
    assert.ok(live.length > 10 && live.some((s) => s.status === 'terminated') && live.some((s) => s.status === 'cancelled') && live.some((s) => s.events > 3));
    assert.equal(wal.lifecycle.rebuild(), live.length);
    assert.deepEqual(wal.lifecycle.all(), live);
    void wal.stop();

    const db = new BetterSqlite3(path);
    db.exec("DELETE FROM uti_lifecycle; UPDATE read_models SET version = 0 WHERE name = 'uti_lifecycle'");
    db.close();
    const reopened = open(path);
    assert.deepEqual(reopened.lifecycle.all(), live, 'rebuilt at start-up: the stored version differs');
    void reopened.stop();
  });

  it('builds the model for a WAL written before the read model existed (migration 5)', () => {
    const path = join(tempDir('lc-'), 'wal.db');
    const db = new BetterSqlite3(path);
    migrate(db, 3);
    const r = rec('n', `${LEI}OLD`, 'NEWT');
    db.prepare('INSERT INTO events (seq, event_id, aggregate_id, topic, received_at, body) VALUES (1, ?, ?, ?, 0, ?)').run(r.eventId, r.aggregateId, r.topic, r.body);
    db.close();
    const wal = open(path);
    assert.equal(wal.lifecycle.state(`${LEI}OLD`)?.lastAction, 'NEWT');
    assert.deepEqual(wal.appendBatch([rec('n-again', `${LEI}OLD`, 'NEWT')]).map(status), ['lifecycle_already_started']);
  });
});
