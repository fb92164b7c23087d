import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogueConfigSchema, validateEvent } from '../../../pipeline/validate-event.js';
import type { FixField } from '../codec/fix-message.js';
import { viewOf } from './fix-view.js';
import { ackFor } from './trade-acks.js';
import { mapTrade } from './trade-mapping.js';

const CONFIG = { utiTag: 20001, actionTypeTag: 20002, assetClassTag: 20003, eventDateTag: 20004, reportingPartyRole: '1', counterpartyPartyRole: '17' };
const LEI = '5493001KJTIIGC8Y1R12';
const CATALOGUE = CatalogueConfigSchema.parse({});
const NOW = Date.parse('2026-12-01T00:00:00Z');
const CP = '529900T8BM49AURSDO55';

const header: FixField[] = [{ tag: 8, value: 'FIX.4.4' }, { tag: 9, value: '1' }, { tag: 35, value: 'AE' }, { tag: 49, value: 'OMS1' }, { tag: 56, value: 'GATEWAY' }, { tag: 34, value: '2' }, { tag: 52, value: '20261130-09:00:01.000' }];
const ae = (extra: FixField[] = [], transType = '0', sides?: FixField[]): FixField[] => [
  ...header, { tag: 571, value: 'TR-1' }, { tag: 487, value: transType }, { tag: 570, value: 'N' }, { tag: 55, value: 'AAPL' },
  { tag: 48, value: 'US0378331005' }, { tag: 22, value: '4' }, { tag: 32, value: '100' }, { tag: 31, value: '.25' }, { tag: 15, value: 'USD' },
  { tag: 75, value: '20261130' }, { tag: 60, value: '20261130-09:00:00.123456' }, { tag: 30, value: 'XOFF' }, { tag: 381, value: '25.00' },
  { tag: 20001, value: `${LEI}TRADE1` }, { tag: 20003, value: 'IR' }, ...extra,
  ...(sides ?? [
    { tag: 552, value: '2' },
    { tag: 54, value: '2' }, { tag: 453, value: '1' }, { tag: 448, value: LEI }, { tag: 447, value: 'N' }, { tag: 452, value: '1' },
    { tag: 54, value: '1' }, { tag: 453, value: '1' }, { tag: 448, value: CP }, { tag: 447, value: 'N' }, { tag: 452, value: '17' },
  ]),
  { tag: 10, value: '000' },
];

describe('mapTrade (the mapping table)', () => {
  it('maps a TradeCaptureReport New to TradeConfirmed with every field from its tag', () => {
    const m = mapTrade('AE', viewOf(ae()), CONFIG, { targetCompId: 'OMS1' });
    assert.ok(m.ok, JSON.stringify(m));
    assert.deepEqual(m.event, {
      eventId: 'fix-OMS1-TR-1', type: 'TradeConfirmed', version: 1, occurredAt: '2026-11-30T09:00:00.123456Z', source: 'fix:OMS1',
      aggregateId: `${LEI}TRADE1`, correlationId: 'fix-OMS1-TR-1',
      payload: {
        uti: `${LEI}TRADE1`, reportingLei: LEI, counterpartyLei: CP, instrument: { isin: 'US0378331005' }, assetClass: 'IR',
        direction: 'SELL', notional: '25.00', quantity: '100', price: '0.25', notionalCurrency: 'USD', priceCurrency: 'USD',
        executedAt: '2026-11-30T09:00:00.123456Z', venue: 'XOFF', actionType: 'NEWT',
      },
    });
    const v = validateEvent(m.event, CATALOGUE, NOW);
    assert.ok(v.ok, `passes the same validation as HTTP events (catalogue included): ${JSON.stringify(v)}`);
  });

  it('Replace and Cancel need the explicit action type; with it they map to the right event', () => {
    const replace = mapTrade('AE', viewOf(ae([], '2')), CONFIG, { targetCompId: 'OMS1' });
    assert.ok(!replace.ok && replace.errors.some((e) => e.code === 'action_type_required' && /MODI from CORR/.test(e.message)));
    const cases: Array<[string, string, string]> = [['2', 'MODI', 'TradeAmended'], ['2', 'CORR', 'TradeCorrected'], ['1', 'TERM', 'TradeTerminated'], ['1', 'EROR', 'TradeCancelled'], ['0', 'REVI', 'TradeRevived']];
    for (const [trans, action, type] of cases) {
      const m = mapTrade('AE', viewOf(ae([{ tag: 20002, value: action }, { tag: 20004, value: '20261130' }], trans)), CONFIG, { targetCompId: 'OMS1' });
      assert.ok(m.ok, `${trans}/${action}: ${JSON.stringify(m)}`);
      assert.equal(m.event.type, type);
      assert.equal((m.event.payload as { actionType: string }).actionType, action);
      const v = validateEvent(m.event, CATALOGUE, NOW);
      assert.ok(v.ok, `${action}: the catalogue takes the mapped ${type}: ${JSON.stringify(v)}`);
      if (action !== 'EROR') {
        // The event date is explicit (fix.mapping.eventDateTag), never taken from another date.
        const undated = mapTrade('AE', viewOf(ae([{ tag: 20002, value: action }], trans)), CONFIG, { targetCompId: 'OMS1' });
        assert.ok(!undated.ok && undated.errors.some((e) => e.path === '$.payload.eventDate' && e.code === 'missing_fix_field'), `${action} without its event date`);
      }
    }
    const wrong = mapTrade('AE', viewOf(ae([{ tag: 20002, value: 'EROR' }], '2')), CONFIG, { targetCompId: 'OMS1' });
    assert.ok(!wrong.ok && wrong.errors[0]!.code === 'invalid_action_type');
  });

  it('lists every missing field by its catalogue path and FIX source', () => {
    const m = mapTrade('AE', viewOf(ae([], '0', [{ tag: 552, value: '1' }, { tag: 54, value: '7' }])), CONFIG, { targetCompId: 'OMS1' });
    assert.ok(!m.ok);
    assert.deepEqual(m.errors.map((e) => e.path), ['$.payload.reportingLei', '$.payload.counterpartyLei', '$.payload.direction']);
    assert.match(m.errors[0]!.message, /PartyIDSource 447=N/);
  });

  it('maps an ExecutionReport trade (150=F) with top-level parties and Side', () => {
    const er: FixField[] = [
      ...header.map((f) => (f.tag === 35 ? { tag: 35, value: '8' } : f)), { tag: 37, value: 'O1' }, { tag: 17, value: 'EX-9' }, { tag: 150, value: 'F' },
      { tag: 39, value: '2' }, { tag: 55, value: 'AAPL' }, { tag: 48, value: 'US0378331005' }, { tag: 22, value: '4' }, { tag: 54, value: '1' },
      { tag: 32, value: '1' }, { tag: 31, value: '2' }, { tag: 15, value: 'EUR' }, { tag: 60, value: '20261130-09:00:00' }, { tag: 30, value: 'XLON' },
      { tag: 381, value: '2' }, { tag: 20001, value: `${LEI}X` }, { tag: 20003, value: 'EQ' },
      { tag: 453, value: '2' }, { tag: 448, value: LEI }, { tag: 447, value: 'N' }, { tag: 452, value: '1' }, { tag: 448, value: CP }, { tag: 447, value: 'N' }, { tag: 452, value: '17' },
    ];
    const m = mapTrade('8', viewOf(er), CONFIG, { targetCompId: 'OMS1' });
    assert.ok(m.ok, JSON.stringify(m));
    assert.equal(m.eventId, 'fix-OMS1-EX-9');
    assert.equal((m.event.payload as { direction: string }).direction, 'BUY');
    assert.equal((m.event.payload as { venue: string }).venue, 'XLON');
  });
});

describe('ackFor', () => {
  const view = viewOf(ae());
  it('AR accepted for accepted and duplicate; rejected with 751=99 and the errors in Text', () => {
    const ok = ackFor('AE', 2, view, { status: 'accepted', eventId: 'e', seq: 1 })!;
    assert.deepEqual(ok.body.map((f) => `${f.tag}=${f.value}`), ['571=TR-1', '487=0', '150=F', '939=0', '55=AAPL']);
    const dup = ackFor('AE', 2, view, { status: 'duplicate', eventId: 'e', seq: 1 })!;
    assert.ok(dup.body.some((f) => f.tag === 939 && f.value === '0'));
    const bad = ackFor('AE', 2, view, { status: 'rejected', errors: [{ path: '$.payload.uti', code: 'invalid_uti', message: 'bad' }] })!;
    assert.deepEqual(bad.body.map((f) => `${f.tag}=${f.value}`), ['571=TR-1', '487=0', '150=F', '939=1', '751=99', '55=AAPL', '58=$.payload.uti invalid_uti: bad']);
  });
  it('ExecutionReport: nothing when accepted; BusinessMessageReject when rejected', () => {
    assert.equal(ackFor('8', 2, view, { status: 'accepted', eventId: 'e', seq: 1 }), undefined);
    const j = ackFor('8', 7, view, { status: 'rejected', errors: [{ path: '$.payload.venue', code: 'missing_fix_field', message: 'm' }] })!;
    assert.equal(j.msgType, 'j');
    assert.deepEqual(j.body.slice(0, 2).map((f) => `${f.tag}=${f.value}`), ['45=7', '372=8']);
    assert.ok(j.body.some((f) => f.tag === 380 && f.value === '5'));
  });
});
