import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, validateEnvelope } from './envelope.js';

const valid = {
  eventId: 'evt-0001',
  type: 'TradeConfirmed',
  version: 1,
  occurredAt: '2026-11-02T09:30:00.123456Z',
  source: 'oms-1',
  aggregateId: '5493001KJTIIGC8Y1R12TRADE0001',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  payload: { notional: '1000000.00' },
};

function errorsOf(input: unknown): string[] {
  const r = validateEnvelope(input);
  assert.equal(r.ok, false, 'expected a rejection');
  return r.ok ? [] : r.errors.map((e) => `${e.path} ${e.code}`);
}

describe('envelope validation', () => {
  it('accepts a complete envelope, and one without the optional fields', () => {
    assert.equal(validateEnvelope(valid).ok, true);
    const { correlationId, causationId, traceparent, ...minimal } = valid;
    assert.equal(validateEnvelope(minimal).ok, true);
  });

  it('eventId: 1-128 printable characters', () => {
    assert.deepEqual(errorsOf({ ...valid, eventId: '' }), ['$.eventId too_small', '$.eventId invalid_format']);
    assert.deepEqual(errorsOf({ ...valid, eventId: 'x'.repeat(129) }), ['$.eventId too_big']);
    assert.deepEqual(errorsOf({ ...valid, eventId: 'a b' }), ['$.eventId invalid_format']);
    assert.deepEqual(errorsOf({ ...valid, eventId: 'tab\there' }), ['$.eventId invalid_format']);
    assert.equal(validateEnvelope({ ...valid, eventId: 'x'.repeat(128) }).ok, true);
  });

  it('type: PascalCase and past tense', () => {
    for (const ok of ['TradeConfirmed', 'ValuationReported', 'TradeSent', 'Trade2Amended']) {
      assert.equal(validateEnvelope({ ...valid, type: ok }).ok, true, ok);
    }
    assert.deepEqual(errorsOf({ ...valid, type: 'tradeConfirmed' }), ['$.type invalid_format']);
    assert.deepEqual(errorsOf({ ...valid, type: 'Trade_Confirmed' }), ['$.type invalid_format']);
    assert.deepEqual(errorsOf({ ...valid, type: 'ConfirmTrade' }), ['$.type not_past_tense']);
  });

  it('version: a positive integer', () => {
    assert.deepEqual(errorsOf({ ...valid, version: 0 }), ['$.version too_small']);
    assert.deepEqual(errorsOf({ ...valid, version: 1.5 }), ['$.version invalid_type']);
    assert.deepEqual(errorsOf({ ...valid, version: '1' }), ['$.version invalid_type']);
  });

  it('occurredAt: RFC 3339 in UTC', () => {
    assert.equal(validateEnvelope({ ...valid, occurredAt: '2026-11-02T09:30:00Z' }).ok, true);
    for (const bad of ['2026-11-02T09:30:00+01:00', '2026-11-02 09:30:00Z', '2026-13-02T09:30:00Z', '2026-11-02', 'yesterday']) {
      assert.deepEqual(errorsOf({ ...valid, occurredAt: bad }), ['$.occurredAt invalid_format'], bad);
    }
  });

  it('occurredAt: a leap second (RFC 3339 section 5.7) is accepted and kept as sent; :60 elsewhere is not', () => {
    for (const leap of ['2016-12-31T23:59:60Z', '2016-12-31T23:59:60.5Z']) {
      const r = validateEnvelope({ ...valid, occurredAt: leap });
      assert.ok(r.ok, leap);
      assert.equal(JSON.parse(canonicalJson(r.event)).occurredAt, leap);
    }
    for (const bad of ['2016-12-31T23:58:60Z', '2016-12-31T12:59:60Z', '2016-12-31T23:59:61Z', '2016-12-31T23:59:60+01:00']) {
      assert.deepEqual(errorsOf({ ...valid, occurredAt: bad }), ['$.occurredAt invalid_format'], bad);
    }
  });

  it('traceparent: W3C trace context', () => {
    assert.deepEqual(errorsOf({ ...valid, traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' }), ['$.traceparent invalid_format']);
    assert.deepEqual(errorsOf({ ...valid, traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }), ['$.traceparent invalid_format']);
    assert.deepEqual(errorsOf({ ...valid, traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }), ['$.traceparent invalid_format']);
  });

  it('payload: an object; required fields; no unknown fields; not an object at all', () => {
    assert.deepEqual(errorsOf({ ...valid, payload: [] }), ['$.payload invalid_type']);
    assert.deepEqual(errorsOf({ ...valid, payload: null }), ['$.payload invalid_type']);
    const { source, aggregateId, ...missing } = valid;
    assert.deepEqual(errorsOf(missing).sort(), ['$.aggregateId invalid_type', '$.source invalid_type']);
    assert.deepEqual(errorsOf({ ...valid, extra: 1 }), ['$.extra unrecognized_keys']);
    // Each unknown member at its own path, with the nearest known name of a likely misspelling.
    const { eventId, ...misspelt } = valid;
    const r = validateEnvelope({ ...misspelt, eventID: eventId });
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.map((e) => `${e.path} ${e.code}`).sort(), ['$.eventID unrecognized_keys', '$.eventId invalid_type']);
    assert.match(r.errors.find((e) => e.path === '$.eventID')!.message, /did you mean 'eventId'\?/);
    assert.deepEqual(errorsOf('a string'), ['$ invalid_type']);
  });

});

describe('canonical JSON', () => {
  it('has a fixed key order whatever the input order, and omits absent optional fields', () => {
    const shuffled = Object.fromEntries(Object.entries(valid).reverse());
    const a = validateEnvelope(valid);
    const b = validateEnvelope(shuffled);
    assert.ok(a.ok && b.ok);
    assert.equal(canonicalJson(a.event), canonicalJson(b.event));
    assert.deepEqual(Object.keys(JSON.parse(canonicalJson(a.event))), Object.keys(valid));
    const { correlationId, causationId, traceparent, ...minimal } = valid;
    const m = validateEnvelope(minimal);
    assert.ok(m.ok);
    assert.deepEqual(Object.keys(JSON.parse(canonicalJson(m.event))), ['eventId', 'type', 'version', 'occurredAt', 'source', 'aggregateId', 'payload']);
  });

  it('writes the payload text as sent when it is given, byte for byte', () => {
    const r = validateEnvelope(valid);
    assert.ok(r.ok);
    const payloadJson = '{ "orderId" : 9007199254740993, "px": 100.50, "qty": 1e400, "s": "\u00e9" }';
    const text = canonicalJson(r.event, payloadJson);
    assert.ok(text.endsWith(`,"payload":${payloadJson}}`));
    assert.equal(JSON.parse(text).eventId, valid.eventId);
  });
});
