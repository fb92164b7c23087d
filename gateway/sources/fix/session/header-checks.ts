import { parseUtcTimestamp } from '../codec/fix-encoder.js';
import { fieldValue, type FixMessage } from '../codec/fix-message.js';
import type { SessionSettings } from './session-types.js';
import { REJECT, type SessionReject } from './validate-message.js';

/** A header problem that ends the session: Logout with `text`, after a Reject when `reject` is set. */
export interface HeaderProblem {
  reject?: SessionReject;
  text: string;
}

/**
 * Pure: the checks of every inbound message before its sequence number counts (FIX 4.4 Vol. 2,
 * "Logon/Logout", "CompID and SendingTime validation"): BeginString, CompIDs, and SendingTime within
 * `sendingTimeToleranceS` of `now` (epoch ms). Each failure ends the session.
 */
export function headerProblem(m: FixMessage, s: SessionSettings, now: number): HeaderProblem | undefined {
  if (fieldValue(m, 8) !== s.beginString) return { text: `BeginString must be ${s.beginString}` };
  const sender = fieldValue(m, 49);
  if (sender !== s.targetCompId || fieldValue(m, 56) !== s.senderCompId) {
    return { reject: { reason: REJECT.compIdProblem, refTagId: sender !== s.targetCompId ? 49 : 56, text: 'CompID problem' }, text: 'CompID problem' };
  }
  const sending = parseUtcTimestamp(fieldValue(m, 52) ?? '');
  if (sending && Math.abs(sending.ms - now) > s.sendingTimeToleranceS * 1000) {
    return { reject: { reason: REJECT.sendingTimeAccuracy, refTagId: 52, text: 'SendingTime accuracy problem' }, text: 'SendingTime accuracy problem' };
  }
  return undefined;
}

/**
 * Pure: a message below the expected seq (FIX 4.4 Vol. 2, "PossDupFlag"). Without PossDupFlag=Y it
 * ends the session; with it, OrigSendingTime (122) is required (Reject 373=1) and must not be after
 * SendingTime (Reject 373=10 and Logout); otherwise it was processed before and is ignored.
 */
export function tooLowVerdict(m: FixMessage, seq: number, expected: number): { ignore: true } | { reject: SessionReject; logout?: string } | { logout: string } {
  if (fieldValue(m, 43) !== 'Y') return { logout: `MsgSeqNum too low, expecting ${expected} but received ${seq}` };
  const orig = parseUtcTimestamp(fieldValue(m, 122) ?? '');
  const sending = parseUtcTimestamp(fieldValue(m, 52) ?? '');
  if (!orig) return { reject: { reason: REJECT.requiredTagMissing, refTagId: 122, text: 'OrigSendingTime (122) required with PossDupFlag' } };
  if (sending && orig.ms > sending.ms) {
    return { reject: { reason: REJECT.sendingTimeAccuracy, refTagId: 122, text: 'OrigSendingTime after SendingTime' }, logout: 'SendingTime accuracy problem' };
  }
  return { ignore: true };
}
