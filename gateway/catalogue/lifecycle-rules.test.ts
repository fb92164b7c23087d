import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFact, lifecycleErrors, normalizeTimestamp, type LifecycleFact, type UtiState } from './lifecycle-rules.js';

const UTI = 'HWUPKR0MPOU8FGXBT394T1';
const AT = '2026-11-02T09:30:00.123Z';
const fact = (action: LifecycleFact['action'], extra: Partial<LifecycleFact> = {}): LifecycleFact => ({ uti: UTI, action, ...extra });
const after = (...facts: LifecycleFact[]): UtiState | undefined => facts.reduce<UtiState | undefined>((s, f, i) => applyFact(s, f, i + 1), undefined);
const codes = (s: UtiState | undefined, f: LifecycleFact) => lifecycleErrors(s, f).map((e) => `${e.path} ${e.code}`);
const newt = fact('NEWT', { executedAt: AT });

describe('UTI lifecycle rules', () => {
  it('starts a life with exactly one NEWT (or POSC)', () => {
    assert.deepEqual(codes(undefined, newt), []);
    assert.deepEqual(codes(undefined, fact('POSC')), []);
    assert.deepEqual(codes(after(newt), newt), ['$.payload.uti lifecycle_already_started']);
    for (const a of ['MODI', 'CORR', 'TERM', 'EROR', 'REVI', 'VALU', 'MARU'] as const) {
      assert.deepEqual(codes(undefined, fact(a)), ['$.payload.uti lifecycle_not_started'], a);
    }
  });
  it('lets nothing but REVI follow an EROR or a TERM, and REVI only those', () => {
    for (const end of ['TERM', 'EROR'] as const) {
      const ended = after(newt, fact(end));
      for (const a of ['MODI', 'CORR', 'TERM', 'EROR', 'VALU', 'MARU'] as const) assert.deepEqual(codes(ended, fact(a)), ['$.payload.uti lifecycle_ended'], `${end} then ${a}`);
      assert.deepEqual(codes(ended, fact('REVI')), []);
      assert.deepEqual(codes(after(newt, fact(end), fact('REVI')), fact('MODI', { executedAt: AT })), [], 'live again after REVI');
    }
    assert.deepEqual(codes(after(newt), fact('REVI')), ['$.payload.uti lifecycle_not_ended']);
  });
  it('never changes the execution timestamp on a MODI; a CORR may', () => {
    assert.deepEqual(codes(after(newt), fact('MODI', { executedAt: '2026-11-02T09:30:00.1230Z' })), [], 'same instant, other spelling');
    assert.deepEqual(codes(after(newt), fact('MODI', { executedAt: '2026-11-02T09:30:01.123Z' })), ['$.payload.executedAt execution_time_changed']);
    const corrected = after(newt, fact('CORR', { executedAt: '2026-11-02T09:31:00Z' }));
    assert.equal(corrected?.executedAt, '2026-11-02T09:31:00Z');
    assert.deepEqual(codes(corrected, fact('MODI', { executedAt: '2026-11-02T09:31:00Z' })), []);
  });
  it('refuses an event date before the execution date', () => {
    assert.deepEqual(codes(after(newt), fact('VALU', { eventDate: '2026-11-01' })), ['$.payload.eventDate event_date_before_execution']);
    assert.deepEqual(codes(after(newt), fact('VALU', { eventDate: '2026-11-02' })), []);
  });
  it('tracks status, last action, seq and count', () => {
    assert.deepEqual(after(newt, fact('VALU'), fact('TERM')), { uti: UTI, status: 'terminated', executedAt: AT, lastAction: 'TERM', lastSeq: 3, events: 3 });
    assert.equal(normalizeTimestamp('2026-11-02T09:30:00.000Z'), '2026-11-02T09:30:00Z');
  });
});
