import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Outcome } from '../../pipeline/ingest.js';
import { encodeMessage, utcTimestamp } from './codec/fix-encoder.js';
import { decodeFields, fieldValue, type FixField } from './codec/fix-message.js';
import { FixParser } from './codec/fix-parser.js';
import { planBatch } from './fix-application.js';
import { userFieldsOf } from './mapping/trade-mapping.js';
import { inbound, newSession, T0 } from './session/session-test-kit.js';
import type { SessionAction } from './session/session-types.js';

const MESSAGES = 100_000;
const MAPPING = { utiTag: 20001, actionTypeTag: 20002, assetClassTag: 20003, eventDateTag: 20004, reportingPartyRole: '1', counterpartyPartyRole: '17' };

/** A small seeded PRNG (mulberry32): the same run every time, and a failing seed can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AE_BODY: FixField[] = [
  { tag: 571, value: 'R' }, { tag: 487, value: '0' }, { tag: 570, value: 'N' }, { tag: 55, value: 'AAPL' }, { tag: 48, value: 'US0378331005' },
  { tag: 22, value: '4' }, { tag: 32, value: '100' }, { tag: 31, value: '1.5' }, { tag: 15, value: 'USD' }, { tag: 75, value: '20261130' },
  { tag: 60, value: '20261130-09:00:00.000' }, { tag: 30, value: 'XOFF' }, { tag: 381, value: '150' }, { tag: 20001, value: '5493001KJTIIGC8Y1R12T1' },
  { tag: 20003, value: 'EQ' }, { tag: 552, value: '1' }, { tag: 54, value: '1' }, { tag: 453, value: '1' }, { tag: 448, value: '5493001KJTIIGC8Y1R12' },
  { tag: 447, value: 'N' }, { tag: 452, value: '1' },
];
const TEMPLATES: Array<[string, FixField[]]> = [
  ['AE', AE_BODY], ['0', []], ['1', [{ tag: 112, value: 'T' }]], ['2', [{ tag: 7, value: '1' }, { tag: 16, value: '0' }]],
  ['4', [{ tag: 123, value: 'Y' }, { tag: 36, value: '5' }]], ['4', [{ tag: 36, value: '3' }]], ['3', [{ tag: 45, value: '1' }]],
  ['8', [{ tag: 37, value: 'O' }, { tag: 17, value: 'E' }, { tag: 150, value: 'F' }, { tag: 39, value: '2' }, { tag: 55, value: 'X' }, { tag: 54, value: '1' }, { tag: 151, value: '0' }, { tag: 14, value: '1' }, { tag: 6, value: '1' }]],
  ['A', [{ tag: 98, value: '0' }, { tag: 108, value: '30' }]], ['D', []],
];

/** A valid message, then a mutation of its fields or of its bytes. */
function mutated(rnd: () => number, seq: number): Buffer {
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const [msgType, body] = pick(TEMPLATES);
  const fields: FixField[] = [
    { tag: 35, value: msgType }, { tag: 49, value: 'OMS1' }, { tag: 56, value: 'GATEWAY' }, { tag: 34, value: String(seq) },
    { tag: 52, value: utcTimestamp(T0) }, ...body,
  ];
  const r = rnd();
  if (r < 0.15) fields.splice(1 + Math.floor(rnd() * (fields.length - 1)), 1); // drop a field
  else if (r < 0.25) fields.push({ ...pick(fields) }); // a field twice
  else if (r < 0.35) { const i = Math.floor(rnd() * fields.length); const j = Math.floor(rnd() * fields.length); [fields[i], fields[j]] = [fields[j]!, fields[i]!]; }
  else if (r < 0.45) pick(fields).value = pick(['', 'x', '-1', '0', '99999999999999999999', 'Y', '\x7f\xff', String(seq + Math.floor(rnd() * 5) - 2)]);
  else if (r < 0.5) fields.push({ tag: 1 + Math.floor(rnd() * 30000), value: 'v' });
  else if (r < 0.55) fields.splice(3, 1, { tag: 34, value: String(Math.max(1, seq + Math.floor(rnd() * 7) - 3)) }, { tag: 43, value: 'Y' }, { tag: 122, value: utcTimestamp(T0 - 1000) });
  let bytes = encodeMessage('FIX.4.4', fields);
  const b = rnd();
  if (b < 0.1) { bytes = Buffer.from(bytes); bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256); }
  else if (b < 0.15) bytes = bytes.subarray(0, Math.floor(rnd() * bytes.length));
  else if (b < 0.2) bytes = Buffer.concat([bytes.subarray(0, Math.floor(rnd() * bytes.length)), Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 256)))]);
  return bytes;
}

it(`fuzz: ${MESSAGES} mutated messages never throw and never corrupt the session's sequence state`, () => {
  const rnd = prng(20261130);
  // The acceptor's own user fields: the AEs below carry the mapping's tags and reach the application layer.
  const settings = { sendingTimeToleranceS: 1_000_000, userFields: userFieldsOf(MAPPING) };
  let s = newSession(settings);
  let deliveredReports = 0;
  let frames = 0;
  let sessions = 1;
  const check = (actions: SessionAction[]) => {
    for (const a of actions) {
      if (a.kind !== 'send' && a.kind !== 'resend') continue;
      // Everything the gateway sends is itself a valid frame.
      const bytes = a.kind === 'send' ? a.message.bytes : a.bytes;
      const d = decodeFields(bytes);
      assert.ok(d.ok, 'sent a malformed message');
      assert.equal(fieldValue(d.message, 34), String(a.kind === 'send' ? a.message.seq : a.seq));
    }
  };
  const parser = new FixParser({ maxBodyBytes: 4096, beginString: 'FIX.4.4' }, {
    frame: (bytes) => {
      frames++;
      const d = decodeFields(bytes);
      if (!d.ok) return;
      const before = s.session.seqNums;
      const actions = s.recv(d.message);
      check(actions);
      const after = s.session.seqNums;
      if (!actions.some((a) => a.kind === 'reset')) {
        assert.ok(after.nextSenderSeq >= before.nextSenderSeq, 'our seq never goes back');
        assert.ok(after.nextTargetSeq >= before.nextTargetSeq || fieldValue(d.message, 35) === '4', 'the expected seq never goes back');
        const sends = actions.filter((a) => a.kind === 'send').length;
        assert.equal(after.nextSenderSeq - before.nextSenderSeq, sends, 'one seq per message sent');
      }
      // The application layer maps whatever the session delivers without throwing.
      const delivered = actions.flatMap((a) => (a.kind === 'deliver' ? [a.delivered] : []));
      if (delivered.length > 0) {
        const plan = planBatch(delivered, MAPPING, { targetCompId: 'OMS1' });
        deliveredReports += delivered.length;
        const outcomes: Outcome[] = plan.inputs.map(() => ({ status: 'accepted', eventId: 'e', seq: 1 }));
        for (const ack of plan.acks(outcomes)) s.app(ack.msgType);
      }
      if (s.session.status === 'disconnected') {
        // Reconnect as a counterparty would, with the persisted numbers.
        sessions++;
        const seqs = s.session.seqNums;
        s = newSession(settings, seqs, s.stored);
        s.recv(inbound('A', seqs.nextTargetSeq, [{ tag: 98, value: '0' }, { tag: 108, value: '30' }]));
      }
    },
    garbled: () => {},
  });
  for (let i = 0; i < MESSAGES; i++) {
    const bytes = mutated(rnd, s.session.seqNums.nextTargetSeq);
    // Split at random points, as TCP may.
    const cut = Math.floor(rnd() * bytes.length);
    parser.parse(bytes.subarray(0, cut));
    parser.parse(bytes.subarray(cut));
  }
  // Still sane: a clean message in sequence is processed, and a full resend covers every seq sent, in order.
  parser.parse(Buffer.from('\x01'));
  if (s.session.status !== 'active') s.recv(inbound('A', s.session.seqNums.nextTargetSeq, [{ tag: 98, value: '0' }, { tag: 108, value: '30' }]));
  const { nextTargetSeq, nextSenderSeq } = s.session.seqNums;
  const resend = s.recv(inbound('2', nextTargetSeq, [{ tag: 7, value: '1' }, { tag: 16, value: '0' }]));
  assert.equal(s.session.seqNums.nextTargetSeq, nextTargetSeq + 1);
  const seqs = resend.flatMap((a) => (a.kind === 'resend' ? [a] : [])).map((a) => {
    const d = decodeFields(a.bytes);
    assert.ok(d.ok);
    const gapTo = fieldValue(d.message, 123) === 'Y' ? Number(fieldValue(d.message, 36)) : a.seq + 1;
    return [a.seq, gapTo] as const;
  });
  let expect = 1;
  for (const [seq, next] of seqs) {
    assert.equal(seq, expect, 'the resend is gap-free');
    expect = next;
  }
  assert.equal(expect, nextSenderSeq, 'the resend covers every seq sent');
  console.log(`fix fuzz: ${JSON.stringify({ messages: MESSAGES, frames, sessions, deliveredReports, nextSenderSeq, nextTargetSeq })}`);
  assert.ok(deliveredReports > 0, 'some TradeCaptureReports reached the application layer (planBatch, acks)');
});
