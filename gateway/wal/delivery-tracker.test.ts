import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryTracker } from './delivery-tracker.js';

describe('delivery tracker', () => {
  it('advances the cursor over in-order completions', () => {
    const t = new DeliveryTracker(10);
    t.complete(11);
    t.complete(12);
    assert.equal(t.cursor, 12);
    assert.equal(t.aheadCount, 0);
  });

  it('holds out-of-order completions above the cursor until the gap fills', () => {
    const t = new DeliveryTracker(0);
    t.complete(3);
    t.complete(2);
    assert.equal(t.cursor, 0);
    assert.equal(t.aheadCount, 2);
    assert.ok(t.isDelivered(3) && !t.isDelivered(1));
    t.complete(1);
    assert.equal(t.cursor, 3);
    assert.equal(t.aheadCount, 0);
  });

  it('ignores repeated and already-covered completions', () => {
    const t = new DeliveryTracker(5, [7]);
    t.takeSnapshot();
    t.complete(4);
    t.complete(7);
    assert.equal(t.dirty, false);
    assert.deepEqual(t.takeSnapshot(), { cursor: 5, ahead: [7] });
  });

  it('restores from a snapshot, folding an ahead set that touches the cursor', () => {
    const t = new DeliveryTracker(5, [6, 7, 9, 3]);
    assert.equal(t.cursor, 7);
    assert.deepEqual(t.takeSnapshot(), { cursor: 7, ahead: [9] });
  });

  it('is dirty only after a change since the last snapshot', () => {
    const t = new DeliveryTracker(0);
    assert.equal(t.dirty, false);
    t.complete(1);
    assert.equal(t.dirty, true);
    t.takeSnapshot();
    assert.equal(t.dirty, false);
  });
});
