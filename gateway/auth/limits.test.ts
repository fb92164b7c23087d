import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureThrottle } from './failure-throttle.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('passes a burst, then refuses with the whole seconds until the debt is paid, refilling at the rate', () => {
    let now = 0;
    const b = new TokenBucket(10, 20, () => now);
    assert.equal(b.take(15), 0);
    assert.equal(b.take(15), 0, 'a request may take the bucket into debt (5 left, 15 asked)');
    assert.equal(b.take(1), 1, '10 in debt at 10/s: 1 s');
    now = 500;
    assert.equal(b.take(1), 1, 'still 5 in debt');
    now = 1_000;
    assert.equal(b.take(1), 1, 'exactly 0 tokens: not yet');
    now = 1_100;
    assert.equal(b.take(100), 0, 'a request larger than the burst passes once the bucket has tokens');
    assert.equal(b.take(1), 10, '99 in debt at 10/s');
    now = 1_000_000;
    assert.equal(b.take(20), 0, 'refills up to the burst only');
    assert.equal(b.take(1), 1);
  });
});

describe('FailureThrottle', () => {
  it('answers the first failures at once, then ever later up to the cap; a success or the window forgives', () => {
    let now = 0;
    const t = new FailureThrottle({ afterFailures: 2, maxDelayMs: 500, windowMs: 60_000 }, () => now, 3);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => t.failed('127.0.0.21')), [0, 0, 100, 200, 400, 500]);
    assert.equal(t.failed('127.0.0.22'), 0, 'per address');
    t.succeeded('127.0.0.21');
    assert.equal(t.failed('127.0.0.21'), 0);
    now = 60_001;
    assert.deepEqual([1, 2, 3].map(() => t.failed('127.0.0.22')), [0, 0, 100], 'the window forgets old failures');
    for (const a of ['a', 'b', 'c', 'd']) t.failed(a);
    assert.equal(t.size, 3, 'bounded');
  });
});
