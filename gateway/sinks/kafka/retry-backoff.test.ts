import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RetryBackoff } from './retry-backoff.js';

it('grows exponentially up to the maximum, with jitter in the upper half', () => {
  const low = new RetryBackoff(100, 1000, () => 0);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => low.next()), [50, 100, 200, 400, 500]);
  const high = new RetryBackoff(100, 1000, () => 0.999999);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [100, 200, 400, 800, 1000]);
});

it('starts again after a reset', () => {
  const b = new RetryBackoff(100, 1000, () => 0);
  b.next();
  b.next();
  assert.equal(b.attempts, 2);
  b.reset();
  assert.equal(b.next(), 50);
});
