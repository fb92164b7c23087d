import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StoredEvent } from '../../wal/stored-event.js';
import { encodeDeadLetter, encodeRecords, valueOf } from './record-encoder.js';

// Bodies in canonical order (payload last), as the WAL stores them.
const row = (seq: number, extra: Record<string, unknown> = {}, payload: Record<string, unknown> = { s: 'ünïcode' }): StoredEvent => {
  const body = JSON.stringify({ eventId: `e${seq}`, type: 'TradeConfirmed', version: 3, aggregateId: `K${seq}`, ...extra, payload });
  return { seq, eventId: `e${seq}`, aggregateId: `K${seq}`, topic: 'trades', receivedAt: 1_700_000_000_000 + seq, body };
};

it('encodes key, value, timestamp and headers of each record', () => {
  const events = [row(7, { correlationId: 'c-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }), row(8)];
  const batch = encodeRecords(events, 'edge-9');
  assert.equal(batch.records.length, 2);
  const [a, b] = batch.records;
  assert.equal(a!.key, 'K7');
  assert.equal(a!.topic, 'trades');
  assert.equal(a!.timestamp, 1_700_000_000_007);
  assert.deepEqual(a!.headers, [
    { 'event-id': 'e7' },
    { 'event-type': 'TradeConfirmed' },
    { 'event-version': '3' },
    { 'correlation-id': 'c-1' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    { 'gateway-id': 'edge-9' },
    { 'gateway-seq': '7' },
    { 'received-at': '2023-11-14T22:13:20.007Z' },
  ]);
  assert.deepEqual(b!.headers.map((h) => Object.keys(h)[0]), ['event-id', 'event-type', 'event-version', 'gateway-id', 'gateway-seq', 'received-at']);
  assert.equal(valueOf(batch, 0).toString('utf8'), events[0]!.body, 'the value is the stored canonical JSON, byte for byte');
  assert.equal(valueOf(batch, 1).toString('utf8'), events[1]!.body);
});

it('packs all values, one after another, into one buffer of their own', () => {
  const events = [row(1), row(2, {}, { pad: 'x'.repeat(300) }), row(3)];
  const batch = encodeRecords(events, 'g');
  const bodies = events.map((e) => Buffer.from(e.body));
  assert.ok(Buffer.concat(bodies).equals(Buffer.from(batch.values)), 'the values are the bodies, consecutive');
  let at = 0;
  bodies.forEach((body, i) => {
    const v = valueOf(batch, i);
    assert.equal(v.buffer, batch.values.buffer, `value ${i} is a view, not a copy`);
    assert.equal(v.byteOffset, batch.values.byteOffset + at, `value ${i} starts where value ${i - 1} ends`);
    assert.ok(v.equals(body));
    at += body.length;
  });
  // The whole ArrayBuffer is the values: transferring it to a worker drags no shared pool along.
  assert.equal(batch.values.buffer.byteLength, batch.values.byteLength);
});

it('encodes an empty batch', () => {
  const batch = encodeRecords([], 'g');
  assert.equal(batch.records.length, 0);
  assert.equal(batch.values.byteLength, 0);
});

it('reads the header fields before the payload, whatever the strings contain', () => {
  const tricky = row(5, { eventId: 'e,"payload":{}"\\', correlationId: 'c,"payload":' }, { type: 'NotTheType', version: 99, correlationId: 'inner' });
  const batch = encodeRecords([tricky], 'g');
  assert.deepEqual(batch.records[0]!.headers.slice(1, 4), [
    { 'event-type': 'TradeConfirmed' },
    { 'event-version': '3' },
    { 'correlation-id': 'c,"payload":' },
  ]);
});

it('copies a dead letter with the refused topic and the error in headers, under its own negative seq', () => {
  const e = row(7, {}, {});
  const batch = encodeDeadLetter(e, { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'message size too large' }, 'dlq', 'g');
  assert.deepEqual(batch.records, [{
    seq: -7,
    topic: 'dlq',
    key: e.aggregateId,
    timestamp: e.receivedAt,
    headers: [
      { 'event-id': e.eventId },
      { 'dead-letter-topic': e.topic },
      { 'dead-letter-error-code': 'ERR_MSG_SIZE_TOO_LARGE' },
      { 'dead-letter-error': 'message size too large' },
      { 'gateway-id': 'g' },
      { 'gateway-seq': '7' },
    ],
  }]);
  assert.equal(valueOf(batch, 0).toString(), e.body);
});

it('marks a replayed copy: replay headers and a new correlation, the value unchanged', () => {
  const copy = { ...row(9, { correlationId: 'c-9' }), seq: 20, replayOf: 9, replayId: 'replay-1' };
  const batch = encodeRecords([copy], 'edge-9');
  assert.deepEqual(batch.records[0]!.headers, [
    { 'event-id': 'e9' },
    { 'event-type': 'TradeConfirmed' },
    { 'event-version': '3' },
    { 'correlation-id': 'replay-1' },
    { replay: 'replay-1' },
    { 'replay-of-seq': '9' },
    { 'original-correlation-id': 'c-9' },
    { 'gateway-id': 'edge-9' },
    { 'gateway-seq': '20' },
    { 'received-at': '2023-11-14T22:13:20.009Z' },
  ]);
  assert.equal(valueOf(batch, 0).toString('utf8'), copy.body);
});

it('names the authenticated sender in the header `sender`, also on a dead-letter copy', () => {
  const e = { ...row(5), sender: 'oms-1' };
  assert.deepEqual(encodeRecords([e], 'g').records[0]!.headers.find((h) => 'sender' in h), { sender: 'oms-1' });
  assert.deepEqual(encodeDeadLetter(e, { code: 'X', message: 'm' }, 'dlq', 'g').records[0]!.headers.find((h) => 'sender' in h), { sender: 'oms-1' });
  assert.equal(encodeRecords([{ ...row(6), sender: null }], 'g').records[0]!.headers.some((h) => 'sender' in h), false, 'no sender: no header');
});
