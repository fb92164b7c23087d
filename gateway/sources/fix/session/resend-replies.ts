import { encodeMessage, utcTimestamp } from '../codec/fix-encoder.js';
import { decodeFields, fieldValue, type FixField } from '../codec/fix-message.js';
import { HEADER_TAGS, isAdminMsgType } from './data-dictionary.js';
import type { StoredOutbound } from './session-types.js';

/**
 * Pure: the answer to a ResendRequest for `begin..end` from the stored outbound messages (FIX 4.4
 * Vol. 2, "Resend Request"): application messages again with PossDupFlag(43)=Y, OrigSendingTime(122)
 * = their first SendingTime and a new SendingTime; admin messages, and sequence numbers the store
 * does not hold, as SequenceReset-GapFill (123=Y) runs with NewSeqNo(36) the next seq to come.
 */
export function resendReplies(
  stored: readonly StoredOutbound[],
  range: { begin: number; end: number },
  ids: { beginString: string; senderCompId: string; targetCompId: string },
  now: number,
): Array<{ seq: number; bytes: Buffer }> {
  const out: Array<{ seq: number; bytes: Buffer }> = [];
  const bySeq = new Map(stored.map((s) => [s.seq, s]));
  const sendingTime = utcTimestamp(now);
  const header = (seq: number, msgType: string): FixField[] => [
    { tag: 35, value: msgType }, { tag: 49, value: ids.senderCompId }, { tag: 56, value: ids.targetCompId },
    { tag: 34, value: String(seq) }, { tag: 43, value: 'Y' }, { tag: 52, value: sendingTime },
  ];
  let gapStart = -1;
  const flushGap = (next: number) => {
    if (gapStart < 0) return;
    out.push({
      seq: gapStart,
      bytes: encodeMessage(ids.beginString, [...header(gapStart, '4'), { tag: 122, value: sendingTime }, { tag: 123, value: 'Y' }, { tag: 36, value: String(next) }]),
    });
    gapStart = -1;
  };
  for (let seq = range.begin; seq <= range.end; seq++) {
    const s = bySeq.get(seq);
    if (!s || isAdminMsgType(s.msgType)) {
      if (gapStart < 0) gapStart = seq;
      continue;
    }
    flushGap(seq);
    const decoded = decodeFields(s.bytes);
    if (!decoded.ok) {
      gapStart = seq;
      continue;
    }
    const orig = fieldValue(decoded.message, 52) ?? sendingTime;
    const body = decoded.message.fields.filter((f) => !HEADER_TAGS.has(f.tag) && f.tag !== 10);
    out.push({ seq, bytes: encodeMessage(ids.beginString, [...header(seq, s.msgType), { tag: 122, value: orig }, ...body]) });
  }
  flushGap(range.end + 1);
  return out;
}
