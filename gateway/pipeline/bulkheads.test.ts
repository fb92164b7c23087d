import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../errors.js';
import { Bulkheads, BulkheadsConfigSchema, classOf, countByClass } from './bulkheads.js';

const config = BulkheadsConfigSchema.parse({
  classOfType: { TradeConfirmed: 'critical', PositionReported: 'bulk' },
  classOfTopic: { valuations: 'bulk' },
  classes: { bulk: { maxQueuedEvents: 10 }, critical: { maxQueuedEvents: 5 } },
});

describe('bulkheads', () => {
  it('takes the class from the type, else the topic, else the routing rule; a non-event counts in the default', () => {
    assert.equal(classOf('TradeConfirmed', { topic: 'valuations', priority: 'normal' }, config), 'critical');
    assert.equal(classOf('ValuationReported', { topic: 'valuations', priority: 'critical' }, config), 'bulk');
    assert.equal(classOf('TradeAmended', { topic: 'trade-events', priority: 'normal' }, config), 'normal');
    assert.equal(classOf('TradeAmended', { topic: 'trade-events', priority: 'critical' }, config), 'critical');
    const routeOf = (e: { payload: Record<string, unknown> }) => ({ topic: 'trade-events', priority: e.payload.assetClass === 'IR' ? ('critical' as const) : ('bulk' as const) });
    const counts = countByClass(
      [{ value: { type: 'TradeConfirmed' } }, { value: { type: 'PositionReported' } }, { value: { type: 'TradeAmended', payload: { assetClass: 'IR' } } }, { value: { type: 'TradeAmended', payload: 'x' } }, { value: { type: 7 } }, { value: null }],
      routeOf,
      config,
    );
    assert.deepEqual(counts, { critical: 2, normal: 2, bulk: 2 });
  });

  it('refuses a request that would overflow its class, and only that class', () => {
    const b = new Bulkheads(config);
    const first = b.enter({ critical: 0, normal: 0, bulk: 8 });
    assert.throws(() => b.enter({ critical: 0, normal: 0, bulk: 3 }), (e) => hasCode(e, 'class_queue_full') && e.retryAfterSeconds === 1 && /bulk/.test(e.message));
    const critical = b.enter({ critical: 5, normal: 100, bulk: 0 });
    critical.leave();
    first.leave();
    first.leave(); // idempotent
    b.enter({ critical: 0, normal: 0, bulk: 3 }).leave();
    assert.deepEqual((b.health() as { bulk: { queuedEvents: number; refusedRequests: number } }).bulk, { queuedEvents: 0, maxQueuedEvents: 10, refusedRequests: 1 });
  });

  it('takes a request larger than its bound when the queue is empty, so none waits forever', () => {
    const b = new Bulkheads(config);
    const big = b.enter({ critical: 0, normal: 0, bulk: 50 });
    assert.throws(() => b.enter({ critical: 0, normal: 0, bulk: 1 }));
    big.leave();
  });
});
