import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { samplePayload } from '../catalogue/sample-events.js';
import { Router, RoutingConfigSchema } from './routing.js';

const event = (type: string, payload: Record<string, unknown>, extra: { version?: number; source?: string } = {}) => ({
  type, version: extra.version ?? 1, source: extra.source ?? 'oms-1', payload,
});
const rates = { ...samplePayload('TradeConfirmed', 1), assetClass: 'IR', jurisdiction: 'EMIR' };

describe('content-based routing', () => {
  const config = RoutingConfigSchema.parse({
    rules: [
      { name: 'eu-rates', match: { type: ['TradeConfirmed'], payload: { assetClass: ['IR'], jurisdiction: ['EMIR'] } }, topic: 'eu-rates', priority: 'critical' },
      { name: 'from-fix', match: { source: ['fix-1'] }, topic: 'from-fix', priority: 'bulk' },
      { name: 'valuations-v2', match: { type: ['ValuationReported'], version: [2] }, topic: 'valuations' },
    ],
    topics: { TradeCancelled: 'errors' },
  });
  const router = new Router(config);

  it('takes the first rule whose conditions all hold, else the type shorthand, else the default', () => {
    assert.deepEqual(router.route(event('TradeConfirmed', rates)), { topic: 'eu-rates', priority: 'critical', rule: 'eu-rates' });
    assert.deepEqual(router.route(event('TradeConfirmed', { ...rates, jurisdiction: 'CFTC' })), { topic: 'trade-events', priority: 'normal', rule: 'default' });
    assert.deepEqual(router.route(event('TradeConfirmed', rates, { source: 'fix-1' })).rule, 'eu-rates');
    assert.deepEqual(router.route(event('TradeAmended', rates, { source: 'fix-1' })), { topic: 'from-fix', priority: 'bulk', rule: 'from-fix' });
    assert.deepEqual(router.route(event('ValuationReported', samplePayload('ValuationReported', 2), { version: 2 })).topic, 'valuations');
    assert.deepEqual(router.route(event('TradeCancelled', samplePayload('TradeCancelled', 1))), { topic: 'errors', priority: 'normal', rule: 'topics.TradeCancelled' });
    assert.equal(router.route(event('toString', {})).rule, 'default', 'no prototype keys');
  });

  it('explains which conditions each rule failed, up to the one that matched', () => {
    const steps = router.explain(event('TradeAmended', rates));
    assert.deepEqual(steps.map((s) => [s.rule.name, s.failed]), [
      ['eu-rates', ['type TradeAmended not in [TradeConfirmed]']],
      ['from-fix', ['source oms-1 not in [fix-1]']],
      ['valuations-v2', ['type TradeAmended not in [ValuationReported]', 'version 1 not in [2]']],
      ['topics.TradeCancelled', ['type TradeAmended not in [TradeCancelled]']],
      ['default', []],
    ]);
  });

  it('refuses at start-up an unknown payload path, a version the bus never sees, and shadowed rules', () => {
    const problems = (rules: unknown[], topics = {}) => {
      const r = RoutingConfigSchema.safeParse({ rules, topics });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    assert.deepEqual(problems([{ name: 'a', match: { payload: { assetclass: ['IR'] } }, topic: 't' }]), [
      "rules.0.match.payload.assetclass: unknown field path: no catalogue payload has 'assetclass'",
    ]);
    assert.match(problems([{ name: 'a', match: { type: ['TradeCancelled'], payload: { assetClass: ['IR'] } }, topic: 't' }])[0]!, /no TradeCancelled payload has 'assetClass'/);
    assert.deepEqual(problems([{ name: 'a', match: { payload: { 'instrument.isin': ['US0378331005'] } }, topic: 't' }]), []);
    assert.match(problems([{ name: 'old', match: { type: ['ValuationReported'], version: [1] }, topic: 't' }])[0]!, /rules\.0\.match\.version: unreachable/);
    assert.deepEqual(problems([
      { name: 'all-rates', match: { payload: { assetClass: ['IR', 'CR'] } }, topic: 't' },
      { name: 'eu-rates', match: { type: ['TradeConfirmed'], payload: { assetClass: ['IR'] } }, topic: 'u' },
    ]), ["rules.1: unreachable: every event it matches is taken by the earlier rule 'all-rates'"]);
    assert.deepEqual(problems([{ name: 'everything', topic: 't' }], { TradeCancelled: 'x' }), [
      "topics.TradeCancelled: unreachable: every event it matches is taken by the earlier rule 'everything'",
    ]);
    assert.deepEqual(problems([
      { name: 'eu-rates', match: { type: ['TradeConfirmed'], payload: { assetClass: ['IR'] } }, topic: 'u' },
      { name: 'all-rates', match: { payload: { assetClass: ['IR', 'CR'] } }, topic: 't' },
    ]), [], 'a narrower rule first is fine');
  });

  it('passes unknown (passed-through) types without path checks', () => {
    assert.ok(RoutingConfigSchema.safeParse({ rules: [{ name: 'x', match: { type: ['SwapNegotiated'], payload: { anything: [1] } }, topic: 't' }] }).success);
  });
});
