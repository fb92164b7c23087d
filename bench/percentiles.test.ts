import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentiles, Samples } from './percentiles.js';

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const s = Array.from({ length: 1000 }, (_, i) => i + 1);
    assert.deepEqual(percentiles(s), { p50: 500, p99: 990, p999: 999 });
    assert.deepEqual(percentiles([7]), { p50: 7, p99: 7, p999: 7 });
  });

  it('reports no samples as null', () => {
    assert.deepEqual(new Samples().percentiles(), { p50: null, p99: null, p999: null });
  });

  it('grows past its first buffer and sorts numerically', () => {
    const s = new Samples();
    for (let i = 5000; i > 0; i--) s.push(i / 10);
    assert.equal(s.length, 5000);
    assert.equal(s.percentiles().p50, 250);
  });
});
