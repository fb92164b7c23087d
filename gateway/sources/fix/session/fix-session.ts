import { encodeMessage, utcTimestamp } from '../codec/fix-encoder.js';
import { fieldValue, type FixMessage } from '../codec/fix-message.js';
import { headerProblem, tooLowVerdict } from './header-checks.js';
import { resendReplies } from './resend-replies.js';
import type { BodyFields, LogLevel, Outbound, SeqNums, SessionAction, SessionSettings, SessionStatus, StoredOutbound } from './session-types.js';
import { REJECT, rejectBody, validateMessage, type SessionReject } from './validate-message.js';

/**
 * One FIX 4.4 session as a pure state machine (acceptor side): messages and the time go in, actions
 * come out (send, resend, deliver, reset, disconnect, log). No sockets, timers or clock reads: the
 * shell calls `receive(message, now)`, `tick(now)` about once a second, and `send(...)` for the
 * application's answers. The rules are FIX 4.4 Vol. 2 ("Session protocol"), in QuickFIX's order.
 */
export class FixSession {
  private statusValue: SessionStatus = 'awaiting_logon';
  private seqs: SeqNums;
  private heartBtMs: number;
  private connectedAt: number;
  private lastReceivedAt: number;
  private lastSentAt: number;
  private logoutSentAt = 0;
  private testRequest: { id: string; at: number } | undefined;
  private testRequestCounter = 0;
  /** Messages above the expected seq, held until the gap is filled (by seq). */
  private readonly queue = new Map<number, FixMessage>();
  /** The highest seq a ResendRequest we sent is waiting for. */
  private resendUpTo = 0;
  private out: SessionAction[] = [];

  constructor(
    readonly settings: SessionSettings,
    persisted: SeqNums,
    private readonly store: { outbound(from: number, to: number): StoredOutbound[] },
    now: number,
  ) {
    this.seqs = { ...persisted };
    this.heartBtMs = settings.heartBtIntS * 1000;
    this.connectedAt = this.lastReceivedAt = this.lastSentAt = now;
  }

  get status(): SessionStatus { return this.statusValue; }
  get seqNums(): SeqNums { return { ...this.seqs }; }
  /** The heartbeat interval in use (the counterparty's, once logged on), in seconds. */
  get heartBtIntS(): number { return this.heartBtMs / 1000; }

  /** Restores the persisted numbers after a commit failed (what was done in memory since is void). */
  restore(persisted: SeqNums): void {
    this.seqs = { ...persisted };
    this.queue.clear();
    this.resendUpTo = 0;
  }

  /** One inbound message (already framed and checksummed). */
  receive(m: FixMessage, now: number): SessionAction[] {
    this.out = [];
    if (this.statusValue === 'disconnected') return this.out;
    this.lastReceivedAt = now;
    this.testRequest = undefined;
    this.testRequestCounter = 0;
    this.handle(m, now);
    this.drainQueue(now);
    return this.out;
  }

  /** Timers: logon and logout timeouts, heartbeats, TestRequest after silence, disconnect after more. */
  tick(now: number, inputPaused = false): SessionAction[] {
    this.out = [];
    // While the shell is not reading (WAL backpressure), silence is ours, not the counterparty's.
    if (inputPaused) this.lastReceivedAt = now;
    const s = this.settings;
    if (this.statusValue === 'awaiting_logon' && now - this.connectedAt >= s.logonTimeoutS * 1000) {
      this.disconnect('no Logon within logonTimeoutS');
    } else if (this.statusValue === 'logout_sent' && now - this.logoutSentAt >= s.logoutTimeoutS * 1000) {
      this.disconnect('no Logout answer within logoutTimeoutS');
    } else if (this.statusValue === 'active') {
      const silent = now - this.lastReceivedAt;
      if (this.testRequest && silent >= this.heartBtMs * 2.4) {
        this.disconnect(`no message for ${silent} ms after TestRequest`);
        return this.out;
      }
      // QuickFIX: a TestRequest once 1.5 intervals (more per unanswered one) pass in silence.
      if (!this.testRequest && silent >= this.heartBtMs * 1.5 * (this.testRequestCounter + 1)) {
        const id = `TEST-${now}`;
        this.testRequest = { id, at: now };
        this.testRequestCounter++;
        this.emit('1', [{ tag: 112, value: id }], now);
      } else if (now - this.lastSentAt >= this.heartBtMs) {
        this.emit('0', [], now);
      }
    }
    return this.out;
  }

  /** Starts a Logout (shutdown): the counterparty's Logout, or logoutTimeoutS, ends the session. */
  logout(now: number, text: string): SessionAction[] {
    this.out = [];
    if (this.statusValue === 'active') {
      this.emit('5', [{ tag: 58, value: text }], now);
      this.statusValue = 'logout_sent';
      this.logoutSentAt = now;
    } else if (this.statusValue === 'awaiting_logon') {
      this.disconnect(text);
    }
    return this.out;
  }

  /** The transport closed. */
  disconnected(): SessionAction[] {
    this.out = [];
    return this.statusValue === 'disconnected' ? this.out : (this.disconnect('connection closed'), this.out);
  }

  /** An application message (e.g. an ack): takes the next seq. Call only while active. */
  send(msgType: string, body: BodyFields, now: number): Outbound {
    const seq = this.seqs.nextSenderSeq++;
    this.lastSentAt = now;
    return { seq, msgType, bytes: encodeMessage(this.settings.beginString, [...this.header(msgType, seq, now), ...body]) };
  }

  private handle(m: FixMessage, now: number): void {
    const f = m.fields;
    const msgType = f[2]?.tag === 35 ? f[2].value : '';
    const seqText = fieldValue(m, 34);
    const seq = seqText !== undefined && /^[1-9]\d{0,15}$/.test(seqText) ? Number(seqText) : 0;
    if (this.statusValue === 'awaiting_logon' && msgType !== 'A') return this.disconnect(`first message is not a Logon (35=${msgType})`);
    if (seq === 0) return this.logoutAndDisconnect('MsgSeqNum (34) missing or invalid', now);
    const problem = headerProblem(m, this.settings, now);
    if (problem) {
      if (problem.reject) this.reject(seq, msgType, problem.reject, now);
      return this.logoutAndDisconnect(problem.text, now);
    }
    if (msgType === 'A' && this.statusValue === 'awaiting_logon') return this.onLogon(m, seq, now);
    const gapFill = msgType === '4' && fieldValue(m, 123) === 'Y';
    if (msgType === '4' && !gapFill) return this.onSequenceReset(m, seq, now, false);
    const expected = this.seqs.nextTargetSeq;
    if (seq > expected) return this.onTooHigh(m, seq, expected, now);
    if (seq < expected) return this.onTooLow(m, seq, expected, now);
    const v = validateMessage(f, this.settings);
    if (!v.ok) {
      if ('unsupported' in v) {
        this.emit('j', [{ tag: 45, value: String(seq) }, { tag: 372, value: msgType }, { tag: 380, value: '3' }, { tag: 58, value: `unsupported MsgType ${msgType}` }], now);
      } else {
        this.reject(seq, msgType, v.reject, now);
      }
      this.seqs.nextTargetSeq++;
      return;
    }
    this.dispatch(m, msgType, seq, now);
  }

  private dispatch(m: FixMessage, msgType: string, seq: number, now: number): void {
    switch (msgType) {
      case '0':
        break;
      case '1':
        this.emit('0', [{ tag: 112, value: fieldValue(m, 112)! }], now);
        break;
      case '2':
        // This request's own seq counts before the replies go out.
        this.seqs.nextTargetSeq++;
        return this.answerResend(m, now);
      case '3':
        this.log('warn', 'Reject received', { refSeqNum: fieldValue(m, 45), reason: fieldValue(m, 373), text: fieldValue(m, 58) });
        break;
      case '4':
        return this.onSequenceReset(m, seq, now, true);
      case '5':
        this.seqs.nextTargetSeq++;
        if (this.statusValue !== 'logout_sent') this.emit('5', [], now);
        if (this.settings.resetOnLogout) this.reset();
        return this.disconnect(`Logout: ${fieldValue(m, 58) ?? ''}`);
      case 'A':
        this.reject(seq, msgType, { reason: REJECT.valueIncorrect, refTagId: 35, text: 'Logon on a live session refused' }, now);
        break;
      default:
        this.out.push({ kind: 'deliver', delivered: { msgType, seq, possDup: fieldValue(m, 43) === 'Y', message: m } });
    }
    this.seqs.nextTargetSeq++;
  }

  private onLogon(m: FixMessage, seq: number, now: number): void {
    const v = validateMessage(m.fields, this.settings);
    if (!v.ok) return this.logoutAndDisconnect(`invalid Logon: ${'reject' in v ? v.reject.text : 'unsupported'}`, now);
    const hb = Number(fieldValue(m, 108));
    if (!(hb > 0 && hb <= this.settings.heartBtIntS)) return this.logoutAndDisconnect(`HeartBtInt must be 1-${this.settings.heartBtIntS}`, now);
    const resetAsked = fieldValue(m, 141) === 'Y';
    if (resetAsked || this.settings.resetOnLogon) this.reset();
    if (resetAsked && seq !== 1) return this.logoutAndDisconnect('ResetSeqNumFlag with MsgSeqNum other than 1', now);
    const expected = this.seqs.nextTargetSeq;
    if (seq < expected) return this.logoutAndDisconnect(`MsgSeqNum too low, expecting ${expected} but received ${seq}`, now);
    this.heartBtMs = hb * 1000;
    this.statusValue = 'active';
    this.emit('A', [{ tag: 98, value: '0' }, { tag: 108, value: String(hb) }, ...(resetAsked || this.settings.resetOnLogon ? [{ tag: 141, value: 'Y' }] : [])], now);
    this.log('info', 'logged on', { heartBtIntS: hb, ...this.seqs });
    if (seq > expected) this.askResend(expected, seq, now);
    else this.seqs.nextTargetSeq++;
  }

  private onSequenceReset(m: FixMessage, seq: number, now: number, gapFill: boolean): void {
    const v = validateMessage(m.fields, this.settings);
    const expected = this.seqs.nextTargetSeq;
    if (!v.ok) {
      this.reject(seq, '4', 'reject' in v ? v.reject : { reason: REJECT.invalidMsgType, text: 'unsupported' }, now);
      if (gapFill) this.seqs.nextTargetSeq++;
      return;
    }
    const newSeq = Number(fieldValue(m, 36));
    if (newSeq > expected) {
      this.log('info', gapFill ? 'SequenceReset-GapFill' : 'SequenceReset-Reset', { from: expected, to: newSeq });
      this.seqs.nextTargetSeq = newSeq;
    } else if (newSeq < expected || gapFill) {
      this.reject(seq, '4', { reason: REJECT.valueIncorrect, refTagId: 36, text: `NewSeqNo ${newSeq} must be above ${expected}` }, now);
      if (gapFill) this.seqs.nextTargetSeq++;
    }
  }

  private onTooHigh(m: FixMessage, seq: number, expected: number, now: number): void {
    const msgType = fieldValue(m, 35);
    if (msgType === '5') {
      // A Logout is answered even across a gap (QuickFIX): the session ends anyway.
      this.emit('5', [], now);
      return this.disconnect('Logout with a sequence gap');
    }
    // A ResendRequest is answered at once (both sides may have gaps after a crash); it is not
    // queued: the counterparty gap-fills it when it resends.
    if (msgType === '2' && validateMessage(m.fields, this.settings).ok) this.answerResend(m, now);
    else if (this.queue.size >= this.settings.maxQueuedMessages) return this.logoutAndDisconnect('too many messages queued behind a gap', now);
    else this.queue.set(seq, m);
    if (seq > this.resendUpTo && this.resendUpTo < expected) this.askResend(expected, seq, now);
  }

  private answerResend(m: FixMessage, now: number): void {
    const begin = Number(fieldValue(m, 7));
    const endRaw = Number(fieldValue(m, 16));
    const last = this.seqs.nextSenderSeq - 1;
    const end = endRaw === 0 || endRaw > last ? last : endRaw;
    this.log('info', 'ResendRequest', { begin, end: endRaw });
    for (const r of resendReplies(this.store.outbound(begin, end), { begin, end }, this.settings, now)) this.out.push({ kind: 'resend', ...r });
    this.lastSentAt = now;
  }

  private onTooLow(m: FixMessage, seq: number, expected: number, now: number): void {
    const v = tooLowVerdict(m, seq, expected);
    if ('ignore' in v) return this.log('info', 'PossDup message already processed: ignored', { seq, expected });
    if ('reject' in v) this.reject(seq, fieldValue(m, 35) ?? '', v.reject, now);
    if (v.logout) this.logoutAndDisconnect(v.logout, now);
  }

  private askResend(from: number, seenSeq: number, now: number): void {
    this.resendUpTo = seenSeq;
    this.log('warn', 'sequence gap: ResendRequest', { from, seen: seenSeq });
    this.emit('2', [{ tag: 7, value: String(from) }, { tag: 16, value: '0' }], now);
  }

  private drainQueue(now: number): void {
    while (this.queue.size > 0 && this.statusValue === 'active') {
      for (const k of this.queue.keys()) if (k < this.seqs.nextTargetSeq) this.queue.delete(k);
      const next = this.queue.get(this.seqs.nextTargetSeq);
      if (!next) break;
      this.queue.delete(this.seqs.nextTargetSeq);
      this.handle(next, now);
    }
    if (this.queue.size === 0 && this.seqs.nextTargetSeq > this.resendUpTo) this.resendUpTo = 0;
  }

  private reject(refSeq: number, refMsgType: string, r: SessionReject, now: number): void {
    this.log('warn', 'Reject sent', { refSeq, refMsgType, ...r });
    this.emit('3', rejectBody(refSeq, refMsgType, r), now);
  }

  private logoutAndDisconnect(text: string, now: number): void {
    this.emit('5', [{ tag: 58, value: text }], now);
    this.disconnect(text);
  }

  private disconnect(reason: string): void {
    this.statusValue = 'disconnected';
    if (this.settings.resetOnDisconnect) this.reset();
    this.out.push({ kind: 'disconnect', reason });
  }

  private reset(): void {
    this.restore({ nextSenderSeq: 1, nextTargetSeq: 1 });
    this.out.push({ kind: 'reset' });
  }

  private emit(msgType: string, body: BodyFields, now: number): void {
    this.out.push({ kind: 'send', message: this.send(msgType, body, now) });
  }

  private header(msgType: string, seq: number, now: number) {
    const { senderCompId: ours, targetCompId: theirs } = this.settings;
    return [{ tag: 35, value: msgType }, { tag: 49, value: ours }, { tag: 56, value: theirs }, { tag: 34, value: String(seq) }, { tag: 52, value: utcTimestamp(now) }];
  }

  private log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    this.out.push({ kind: 'log', level, msg, ...(fields ? { fields } : {}) });
  }
}
