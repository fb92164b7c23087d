import type { FieldError } from '../../../errors.js';
import type { Outcome } from '../../../pipeline/ingest.js';
import type { FixField } from '../codec/fix-message.js';
import type { FixView } from './fix-view.js';

/** What to answer one trade message with, once its outcome is committed. */
export interface Ack {
  msgType: 'AR' | 'j';
  body: FixField[];
}

const MAX_TEXT = 2000;

/** The errors as one Text (58): `path code: message; ...`, bounded. */
export function errorText(errors: readonly FieldError[]): string {
  const t = errors.map((e) => `${e.path} ${e.code}: ${e.message}`).join('; ').replace(/[\x00-\x1f]/g, ' ');
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 3)}...` : t;
}

/**
 * Pure: the answer to a TradeCaptureReport (TradeCaptureReportAck 35=AR: TradeReportID 571, ExecType
 * 150=F, TrdRptStatus 939 0 accepted (also a duplicate: it is stored once) or 1 rejected with
 * TradeReportRejectReason 751=99 and the errors in Text 58, Symbol 55 for the required Instrument),
 * or to an ExecutionReport (nothing when accepted; BusinessMessageReject 35=j with 380=5 for a
 * missing field, else 0, and the errors in 58, when rejected).
 */
export function ackFor(msgType: 'AE' | '8', seq: number, view: FixView, outcome: Outcome): Ack | undefined {
  if (msgType === 'AE') {
    const body: FixField[] = [{ tag: 571, value: view.get(571) ?? '' }];
    const trans = view.get(487);
    if (trans !== undefined) body.push({ tag: 487, value: trans });
    body.push({ tag: 150, value: 'F' });
    if (outcome.status === 'rejected') {
      body.push({ tag: 939, value: '1' }, { tag: 751, value: '99' });
    } else {
      body.push({ tag: 939, value: '0' });
    }
    body.push({ tag: 55, value: view.get(55) ?? '[N/A]' });
    if (outcome.status === 'rejected') body.push({ tag: 58, value: errorText(outcome.errors) });
    if (outcome.status === 'duplicate') body.push({ tag: 58, value: 'duplicate: already stored' });
    return { msgType: 'AR', body };
  }
  if (outcome.status !== 'rejected') return undefined;
  const missing = outcome.errors.some((e) => e.code === 'missing_fix_field');
  return {
    msgType: 'j',
    body: [
      { tag: 45, value: String(seq) }, { tag: 372, value: '8' }, ...(view.get(17) ? [{ tag: 379, value: view.get(17)! }] : []),
      { tag: 380, value: missing ? '5' : '0' }, { tag: 58, value: errorText(outcome.errors) },
    ],
  };
}
