import type { Payload } from './catalogue-entry.js';

/**
 * Valid example payloads of every catalogue type and version, for the served schemas' examples,
 * tests and the benchmark. `uti` names the trade; the LEIs and the ISIN are real published ones
 * (GLEIF: Apple Inc., Deutsche Bank AG; ISIN US0378331005: Apple common stock).
 */
export const SAMPLE_LEI = 'HWUPKR0MPOU8FGXBT394';
export const SAMPLE_COUNTERPARTY_LEI = '7LTWFZYICNSX8D621K86';
export const SAMPLE_UTI = `${SAMPLE_LEI}TRADE0001`;
const EXECUTED_AT = '2026-11-02T09:30:00.123Z';

const trade = (uti: string): Payload => ({
  uti,
  reportingLei: SAMPLE_LEI,
  counterpartyLei: SAMPLE_COUNTERPARTY_LEI,
  instrument: { isin: 'US0378331005' },
  assetClass: 'EQ',
  direction: 'BUY',
  notional: '1012345.00',
  quantity: '5000',
  price: '202.469',
  notionalCurrency: 'USD',
  priceCurrency: 'USD',
  executedAt: EXECUTED_AT,
  venue: 'XOFF',
});

const common = (uti: string): Payload => ({ uti, reportingLei: SAMPLE_LEI });

/** A valid payload of `type` at `version` for the trade `uti` (dates on 2026-11-02, the execution date). */
export function samplePayload(type: string, version: number, uti: string = SAMPLE_UTI): Payload {
  switch (`${type}/${version}`) {
    case 'TradeConfirmed/1':
      return trade(uti);
    case 'TradeAmended/1':
    case 'TradeCorrected/1':
      return { ...trade(uti), quantity: '6000', notional: '1214814.00', eventDate: '2026-11-03' };
    case 'TradeTerminated/1':
      return { ...common(uti), eventType: 'ETRM', eventDate: '2026-11-04' };
    case 'TradeCancelled/1':
      return { ...common(uti), reason: 'booked twice' };
    case 'TradeRevived/1':
      return { ...common(uti), eventDate: '2026-11-05' };
    case 'ValuationReported/1':
      return { ...common(uti), valuation: '-1250.50 USD', valuationDate: '2026-11-03', valuationType: 'MTMA', eventDate: '2026-11-03' };
    case 'ValuationReported/2':
      return { ...common(uti), valuationAmount: '-1250.50', valuationCurrency: 'USD', valuationDate: '2026-11-03', valuationType: 'MTMA', eventDate: '2026-11-03' };
    case 'CollateralReported/1':
      return { ...common(uti), eventDate: '2026-11-03', collateralCurrency: 'USD', initialMarginPosted: '50000', variationMarginReceived: '1250.5' };
    default:
      throw new Error(`no sample for ${type} v${version}`);
  }
}
