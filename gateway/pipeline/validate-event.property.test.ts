import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { codes as currencyCodes } from 'currency-codes';
import { mod97 } from '../catalogue/identifiers/lei.js';
import { luhnValid } from '../catalogue/identifiers/isin.js';
import type { Envelope } from './envelope.js';
import { validateCatalogueEvent } from './validate-event.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const config = { unknownTypes: 'reject' as const, maxClockSkewMs: 300_000 };
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const alnum = (n: number, max = n) => fc.array(fc.constantFrom(...ALNUM), { minLength: n, maxLength: max }).map((a) => a.join(''));
const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** A valid LEI: 18 random characters and the ISO 7064 MOD 97-10 check digits computed for them. */
const lei = alnum(18).map((base) => base + String(98 - mod97(`${base}00`)).padStart(2, '0'));
/** A valid ISIN: a country code, 9 characters and the Luhn check digit computed for them. */
const isin = fc.tuple(fc.constantFrom('US', 'DE', 'GB', 'FR', 'JP', 'CH'), alnum(9)).map(([cc, body]) => {
  const toDigits = (s: string) => [...s].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
  for (let d = 0; d <= 9; d++) if (luhnValid(toDigits(`${cc}${body}${d}`))) return `${cc}${body}${d}`;
  throw new Error('no Luhn digit');
});
const amount = fc.tuple(digits(1, 15), digits(0, 5)).map(([i, f]) => `${i.replace(/^0+/, '') || '1'}${f ? `.${f}` : ''}`);
const signed = fc.tuple(fc.boolean(), amount).map(([neg, a]) => (neg ? `-${a}` : a));
const pastInstant = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: NOW - 86_400_000 });
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const payload = fc.record({
  uti: fc.tuple(lei, alnum(0, 32)).map(([l, rest]) => l + rest),
  reportingLei: lei,
  counterpartyLei: lei,
  instrument: isin.map((i) => ({ isin: i })),
  assetClass: fc.constantFrom('IR', 'CR', 'EQ', 'FX', 'CO'),
  direction: fc.constantFrom('BUY', 'SELL'),
  notional: amount,
  quantity: amount,
  price: signed,
  notionalCurrency: fc.constantFrom(...currencyCodes()),
  priceCurrency: fc.constantFrom(...currencyCodes()),
  executedAt: pastInstant.map((ms) => new Date(ms).toISOString()),
  venue: fc.oneof(alnum(4), fc.constantFrom('XOFF', 'XXXX')),
  effectiveDate: pastInstant.map(isoDate),
}).map((p) => ({ ...p, maturityDate: isoDate(Date.parse(p.effectiveDate) + 365 * 86_400_000) }));

const envelope = (p: Record<string, unknown>): Envelope => ({
  eventId: 'e', type: 'TradeConfirmed', version: 1, occurredAt: '2026-11-02T09:30:00Z', source: 's', aggregateId: String(p.uti), payload: p,
});

type Corruption = [path: string, code: string, corrupt: (p: Record<string, any>) => void];
const bump = (s: string, at: number, base = 10) => s.slice(0, at) + ((Number(s[at]) + 1) % base) + s.slice(at + 1);
const CORRUPTIONS: Corruption[] = [
  ['$.payload.uti', 'invalid_uti', (p) => (p.uti = bump(p.uti, 19))],
  ['$.payload.uti', 'invalid_uti', (p) => (p.uti = p.uti.toLowerCase() + 'x')],
  ['$.payload.reportingLei', 'invalid_lei', (p) => (p.reportingLei = bump(p.reportingLei, 19))],
  ['$.payload.counterpartyLei', 'invalid_lei', (p) => (p.counterpartyLei = p.counterpartyLei.slice(1))],
  ['$.payload.instrument.isin', 'invalid_isin', (p) => (p.instrument = { isin: bump(p.instrument.isin, 11) })],
  ['$.payload.notional', 'decimal_as_number', (p) => (p.notional = Number(p.notional))],
  ['$.payload.notional', 'not_positive', (p) => (p.notional = '0.00')],
  ['$.payload.quantity', 'invalid_decimal', (p) => (p.quantity = `${p.quantity}e3`)],
  ['$.payload.price', 'decimal_out_of_range', (p) => (p.price = `${p.price.split('.')[0]}.123456`)],
  ['$.payload.notionalCurrency', 'unknown_currency', (p) => (p.notionalCurrency = 'XYZ')],
  ['$.payload.venue', 'invalid_mic', (p) => (p.venue = p.venue.toLowerCase() + 'z')],
  ['$.payload.executedAt', 'invalid_timestamp', (p) => (p.executedAt = p.executedAt.replace('Z', '+00:00'))],
  ['$.payload.executedAt', 'timestamp_in_future', (p) => (p.executedAt = new Date(NOW + 3_600_000).toISOString())],
  ['$.payload.direction', 'invalid_value', (p) => (p.direction = 'HOLD')],
  ['$.payload.maturityDate', 'maturity_before_effective', (p) => (p.maturityDate = isoDate(Date.parse(p.effectiveDate) - 86_400_000))],
  ['$.payload.actionType', 'action_type_mismatch', (p) => (p.actionType = 'MODI')],
  ['$.payload.counterpartyLei', 'invalid_type', (p) => delete p.counterpartyLei],
  ['$.payload.notionalAmount', 'unrecognized_keys', (p) => (p.notionalAmount = p.notional)],
];

describe('catalogue validation, property-based (fast-check)', () => {
  it('accepts thousands of generated valid TradeConfirmed events', () => {
    fc.assert(
      fc.property(payload, (p) => {
        const r = validateCatalogueEvent(envelope(p), config, NOW);
        assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects each single-field corruption of a valid event with exactly its expected code and path', () => {
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: CORRUPTIONS.length - 1 }), (p, k) => {
        const [path, code, corrupt] = CORRUPTIONS[k]!;
        const bad = structuredClone(p) as Record<string, any>;
        corrupt(bad);
        const r = validateCatalogueEvent(envelope(bad), config, NOW);
        assert.ok(!r.ok, `${code}: accepted ${JSON.stringify(bad)}`);
        assert.deepEqual(r.errors.map((e) => `${e.path} ${e.code}`), [`${path} ${code}`]);
      }),
      { numRuns: 3000 },
    );
  });
});
