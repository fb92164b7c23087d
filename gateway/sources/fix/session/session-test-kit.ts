import { encodeMessage, utcTimestamp } from '../codec/fix-encoder.js';
import { decodeFields, type FixField, type FixMessage } from '../codec/fix-message.js';
import { FixSession } from './fix-session.js';
import type { SessionAction, SessionSettings, StoredOutbound } from './session-types.js';

/** Test helpers for the session rules: a session with an in-memory outbound store, and message builders. */
export const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

export const SETTINGS: SessionSettings = {
  beginString: 'FIX.4.4', senderCompId: 'GATEWAY', targetCompId: 'OMS1', heartBtIntS: 30,
  resetOnLogon: false, resetOnLogout: false, resetOnDisconnect: false, sendingTimeToleranceS: 120,
  validateFieldsHaveValues: true, logonTimeoutS: 10, logoutTimeoutS: 2, maxQueuedMessages: 1000,
  userFields: new Map([[9001, { name: 'UTI', type: 'STRING' }]]),
};

/** An inbound message from OMS1 to GATEWAY; `header` overrides, `raw` fields replace everything after 35. */
export function inbound(msgType: string, seq: number, body: FixField[] = [], o: { at?: number; header?: FixField[]; sender?: string; begin?: string } = {}): FixMessage {
  const fields: FixField[] = [
    { tag: 35, value: msgType }, { tag: 49, value: o.sender ?? 'OMS1' }, { tag: 56, value: 'GATEWAY' }, { tag: 34, value: String(seq) },
    { tag: 52, value: utcTimestamp(o.at ?? T0) }, ...(o.header ?? []), ...body,
  ];
  const d = decodeFields(encodeMessage(o.begin ?? 'FIX.4.4', fields));
  if (!d.ok) throw new Error(d.reason);
  return d.message;
}

export const logon = (seq = 1, extra: FixField[] = []) => inbound('A', seq, [{ tag: 98, value: '0' }, { tag: 108, value: '30' }, ...extra]);

/** What was sent, as `35|k=v|...` strings without 8, 9, 10, 49, 56, 52 (stable across runs). */
export function sent(actions: SessionAction[]): string[] {
  return actions.flatMap((a) => {
    if (a.kind !== 'send' && a.kind !== 'resend') return [];
    const bytes = a.kind === 'send' ? a.message.bytes : a.bytes;
    const d = decodeFields(bytes);
    if (!d.ok) throw new Error('sent a garbled message');
    return [d.message.fields.filter((f) => ![8, 9, 10, 49, 56, 52, 122].includes(f.tag)).map((f) => `${f.tag}=${f.value}`).join('|')];
  });
}

export const kinds = (actions: SessionAction[]) => actions.filter((a) => a.kind !== 'log' && a.kind !== 'send' && a.kind !== 'resend').map((a) => a.kind);

/** A session with a store that keeps what it sends (as the shell does). */
export function newSession(settings: Partial<SessionSettings> = {}, seqs = { nextSenderSeq: 1, nextTargetSeq: 1 }, stored = new Map<number, StoredOutbound>()) {
  const session = new FixSession({ ...SETTINGS, ...settings }, seqs, {
    outbound: (from, to) => [...stored.values()].filter((s) => s.seq >= from && s.seq <= to).sort((a, b) => a.seq - b.seq),
  }, T0);
  const keep = (actions: SessionAction[]) => {
    for (const a of actions) {
      if (a.kind === 'send') stored.set(a.message.seq, a.message);
      if (a.kind === 'reset') stored.clear();
    }
    return actions;
  };
  return {
    session,
    stored,
    recv: (m: FixMessage, now = T0) => keep(session.receive(m, now)),
    tick: (now: number, paused = false) => keep(session.tick(now, paused)),
    app: (msgType: string, now = T0) => {
      const o = session.send(msgType, [{ tag: 58, value: 'app' }], now);
      stored.set(o.seq, o);
      return o;
    },
  };
}
