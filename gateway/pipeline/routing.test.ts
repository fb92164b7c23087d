import assert from 'node:assert/strict';
import { it } from 'node:test';
import { routeTopic } from './routing.js';

it('routes by event type, else to the default topic', () => {
  const config = { defaultTopic: 'trade-events', topics: { ValuationReported: 'valuations' } };
  assert.equal(routeTopic('ValuationReported', config), 'valuations');
  assert.equal(routeTopic('TradeConfirmed', config), 'trade-events');
  assert.equal(routeTopic('toString', config), 'trade-events', 'no prototype keys');
});
