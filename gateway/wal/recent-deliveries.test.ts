import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentDeliveries } from './recent-deliveries.js';

describe('recent deliveries', () => {
  it('remembers the last capacity seqs and forgets older ones', () => {
    const r = new RecentDeliveries(3);
    for (let seq = 1; seq <= 5; seq++) r.set(seq, seq % 2, seq * 10);
    assert.equal(r.get(1), undefined);
    assert.equal(r.get(2), undefined);
    assert.deepEqual(r.get(3), { partition: 1, offset: 30 });
    assert.deepEqual(r.get(5), { partition: 1, offset: 50 });
    assert.equal(r.get(6), undefined, 'never delivered');
  });

  it('remembers nothing at capacity 0', () => {
    const r = new RecentDeliveries(0);
    r.set(1, 0, 1);
    assert.equal(r.get(1), undefined);
  });

  it('costs the same per delivery however many came before (no hole-skipping)', () => {
    const r = new RecentDeliveries(100_000);
    const perOp = (from: number) => {
      const t = process.hrtime.bigint();
      for (let s = from; s < from + 100_000; s++) r.set(s, 0, s);
      return Number(process.hrtime.bigint() - t) / 100_000;
    };
    perOp(0);
    const early = perOp(100_000);
    const late = perOp(500_000);
    // A Map trimmed from its front took 11-40 us per delivery here; the ring well under 1 us.
    assert.ok(late < 1000 && late < early * 20 + 200, `ns per delivery: ${early.toFixed(0)} then ${late.toFixed(0)}`);
  });
});
