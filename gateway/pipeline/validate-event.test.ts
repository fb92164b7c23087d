import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOGUE } from '../catalogue/catalogue.js';
import { samplePayload, SAMPLE_UTI } from '../catalogue/sample-events.js';
import type { Envelope } from './envelope.js';
import { validateCatalogueEvent, validateEvent, type CatalogueConfig } from './validate-event.js';

const config: CatalogueConfig = { unknownTypes: 'reject', maxClockSkewMs: 300_000 };
const NOW = Date.parse('2026-11-10T00:00:00Z');

const envelope = (type: string, version: number, payload: Record<string, unknown>): Envelope => ({
  eventId: 'e-1', type, version, occurredAt: '2026-11-02T09:30:00.123Z', source: 'oms-1', aggregateId: SAMPLE_UTI, payload,
});
const codes = (r: ReturnType<typeof validateCatalogueEvent>) => (r.ok ? [] : r.errors.map((e) => `${e.path} ${e.code}`));

describe('validateCatalogueEvent', () => {
  for (const entry of CATALOGUE.values()) {
    for (const { version } of entry.versions) {
      it(`accepts ${entry.type} v${version} and gives the current version with its lifecycle fact`, () => {
        const r = validateCatalogueEvent(envelope(entry.type, version, samplePayload(entry.type, version)), config, NOW);
        assert.ok(r.ok, JSON.stringify(r));
        assert.equal(r.event.version, entry.versions.at(-1)!.version);
        assert.equal(r.fact?.action, entry.actionType);
        assert.equal(r.fact?.uti, SAMPLE_UTI);
      });
    }
  }

  it('upcasts ValuationReported v1 to v2 on ingest: the bus sees one shape', () => {
    const r = validateCatalogueEvent(envelope('ValuationReported', 1, samplePayload('ValuationReported', 1)), config, NOW);
    assert.ok(r.ok);
    assert.deepEqual(r.event.payload, samplePayload('ValuationReported', 2));
  });

  it('lists every error of an event with its code and JSON path', () => {
    const p = {
      ...samplePayload('TradeConfirmed', 1),
      uti: '5493001KJTIIGC8Y1R13X',
      reportingLei: 'HWUPKR0MPOU8FGXBT395',
      instrument: { isin: 'US0378331006' },
      notional: 1000000.5,
      price: '1e3',
      quantity: '0',
      notionalCurrency: 'XYZ',
      executedAt: '2026-11-02T09:30:00+01:00',
      venue: 'xoff',
      assetClass: 'XX',
      effectiveDate: '2026-12-01',
      maturityDate: '2026-11-30',
      actionType: 'MODI',
      extra: 1,
    };
    delete (p as Record<string, unknown>).direction;
    assert.deepEqual(codes(validateCatalogueEvent(envelope('TradeConfirmed', 1, p), config, NOW)).sort(), [
      '$.payload.actionType action_type_mismatch',
      '$.payload.assetClass invalid_value',
      '$.payload.direction invalid_value',
      '$.payload.executedAt invalid_timestamp',
      '$.payload.extra unrecognized_keys',
      '$.payload.instrument.isin invalid_isin',
      '$.payload.maturityDate maturity_before_effective',
      '$.payload.notional decimal_as_number',
      '$.payload.notionalCurrency unknown_currency',
      '$.payload.price invalid_decimal',
      '$.payload.quantity not_positive',
      '$.payload.reportingLei invalid_lei',
      '$.payload.uti invalid_uti',
      '$.payload.venue invalid_mic',
    ].sort());
  });

  it('applies the cross-field rules: event date after execution, valuation date equals event date', () => {
    const amended = { ...samplePayload('TradeAmended', 1), eventDate: '2026-11-01' };
    assert.deepEqual(codes(validateCatalogueEvent(envelope('TradeAmended', 1, amended), config, NOW)), ['$.payload.eventDate event_date_before_execution']);
    const valuation = { ...samplePayload('ValuationReported', 2), valuationDate: '2026-11-02' };
    assert.deepEqual(codes(validateCatalogueEvent(envelope('ValuationReported', 2, valuation), config, NOW)), ['$.payload.valuationDate valuation_date_mismatch']);
  });

  it('refuses an execution timestamp in the future beyond the skew, and accepts one within it', () => {
    const at = (ms: number) => ({ ...samplePayload('TradeConfirmed', 1), executedAt: new Date(NOW + ms).toISOString() });
    assert.deepEqual(codes(validateCatalogueEvent(envelope('TradeConfirmed', 1, at(300_001)), config, NOW)), ['$.payload.executedAt timestamp_in_future']);
    assert.ok(validateCatalogueEvent(envelope('TradeConfirmed', 1, at(299_000)), config, NOW).ok);
  });

  it('takes a UPI in place of an ISIN, but not both', () => {
    const upi = { ...samplePayload('TradeConfirmed', 1), instrument: { upi: 'QZ0123456789' } };
    assert.ok(validateCatalogueEvent(envelope('TradeConfirmed', 1, upi), config, NOW).ok);
    const both = { ...samplePayload('TradeConfirmed', 1), instrument: { isin: 'US0378331005', upi: 'QZ0123456789' } };
    assert.deepEqual(codes(validateCatalogueEvent(envelope('TradeConfirmed', 1, both), config, NOW)), ['$.payload.instrument.upi unrecognized_keys']);
    const { venue, ...rest } = samplePayload('TradeConfirmed', 1);
    const misspelt = validateCatalogueEvent(envelope('TradeConfirmed', 1, { ...rest, venu: venue }), config, NOW);
    assert.ok(!misspelt.ok);
    assert.match(misspelt.errors.find((e) => e.path === '$.payload.venu')!.message, /did you mean 'venue'\?/);
  });

  it('rejects an unknown type by default, passes it through with envelope checks only when configured', () => {
    const e = envelope('SwapNegotiated', 1, { anything: true });
    assert.deepEqual(codes(validateCatalogueEvent(e, config, NOW)), ['$.type unknown_event_type']);
    const r = validateCatalogueEvent(e, { ...config, unknownTypes: 'passThrough' }, NOW);
    assert.ok(r.ok);
    assert.equal(r.fact, undefined);
    assert.equal(r.event, e);
  });

  it('rejects an unknown version with its own code', () => {
    assert.deepEqual(codes(validateCatalogueEvent(envelope('TradeConfirmed', 2, samplePayload('TradeConfirmed', 1)), config, NOW)), ['$.version unknown_event_version']);
    assert.deepEqual(codes(validateCatalogueEvent(envelope('ValuationReported', 3, samplePayload('ValuationReported', 2)), config, NOW)), ['$.version unknown_event_version']);
  });

  it('rejects a v1 valuation in the v2 shape and the reverse (versions are not mixed)', () => {
    assert.ok(!validateCatalogueEvent(envelope('ValuationReported', 1, samplePayload('ValuationReported', 2)), config, NOW).ok);
    assert.ok(!validateCatalogueEvent(envelope('ValuationReported', 2, samplePayload('ValuationReported', 1)), config, NOW).ok);
  });

  it('checks envelope and payload together, so every problem of an event is listed at once', () => {
    const input = { ...envelope('TradeConfirmed', 1, { ...samplePayload('TradeConfirmed', 1), venue: 'x' }), occurredAt: 'yesterday' };
    const r = validateEvent(input, config, NOW);
    assert.deepEqual(codes(r), ['$.occurredAt invalid_format', '$.payload.venue invalid_mic']);
    assert.deepEqual(codes(validateEvent({ ...input, version: 0 }, config, NOW)), ['$.version too_small', '$.occurredAt invalid_format'], 'no payload check without a usable version');
    assert.ok(validateEvent(envelope('TradeConfirmed', 1, samplePayload('TradeConfirmed', 1)), config, NOW).ok);
  });
});
