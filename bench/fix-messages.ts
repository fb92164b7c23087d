import { utcTimestamp } from '../gateway/sources/fix/codec/fix-encoder.js';
import type { FixField } from '../gateway/sources/fix/codec/fix-message.js';

/** Valid identifiers for test trades (check digits correct: ISO 17442 / ISO 6166). */
export const REPORTING_LEI = '5493001KJTIIGC8Y1R12';
export const COUNTERPARTY_LEI = withLeiCheck('529900T8BM49AURSDO');
export const ISIN = 'US0378331005';

/** An LEI from its first 18 characters: ISO 7064 MOD 97-10 check digits appended. */
export function withLeiCheck(first18: string): string {
  let rem = 0;
  for (const ch of `${first18}00`) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return `${first18}${String(98 - rem).padStart(2, '0')}`;
}

/**
 * The body (after the header) of a TradeCaptureReport (35=AE) the gateway maps to TradeConfirmed:
 * TradeReportID `id`, UTI `<LEI><the last 32 of id's A-Z 0-9>` in tag 20001, asset class in 20003, two sides with LEI parties.
 */
export function tradeCaptureReport(id: string, o: { transType?: string; action?: string; eventDate?: string; utiOf?: string; at?: number; omit?: number[] } = {}): FixField[] {
  const at = utcTimestamp(o.at ?? Date.now());
  const f: FixField[] = [
    { tag: 571, value: id }, { tag: 487, value: o.transType ?? '0' }, { tag: 570, value: 'N' },
    { tag: 55, value: 'AAPL' }, { tag: 48, value: ISIN }, { tag: 22, value: '4' },
    { tag: 32, value: '100' }, { tag: 31, value: '187.25' }, { tag: 15, value: 'USD' }, { tag: 75, value: at.slice(0, 8) },
    { tag: 60, value: at }, { tag: 30, value: 'XOFF' }, { tag: 381, value: '18725.00' },
    // UTI (ISO 23897): the LEI and at most 32 more A-Z 0-9; the id's tail keeps it unique.
    { tag: 20001, value: `${REPORTING_LEI}${(o.utiOf ?? id).replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(-32)}` },
    ...(o.action ? [{ tag: 20002, value: o.action }] : []), { tag: 20003, value: 'EQ' },
    ...(o.eventDate ? [{ tag: 20004, value: o.eventDate }] : []),
    { tag: 552, value: '2' },
    { tag: 54, value: '1' }, { tag: 37, value: `O-${id}` }, { tag: 453, value: '1' }, { tag: 448, value: REPORTING_LEI }, { tag: 447, value: 'N' }, { tag: 452, value: '1' },
    { tag: 54, value: '2' }, { tag: 37, value: `O-${id}-C` }, { tag: 453, value: '1' }, { tag: 448, value: COUNTERPARTY_LEI }, { tag: 447, value: 'N' }, { tag: 452, value: '17' },
  ];
  return o.omit ? f.filter((x) => !o.omit!.includes(x.tag)) : f;
}
