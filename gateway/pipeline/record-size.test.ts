import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { encodeRecords, valueOf } from '../sinks/kafka/record-encoder.js';
import type { Envelope } from './envelope.js';
import { canonicalJson } from './envelope.js';
import { recordBytesAtMost } from './record-size.js';

it('bounds the Kafka record the forwarder builds, and a replayed copy\'s, with the longest gateway id and sender name', () => {
  const e = {
    eventId: 'e'.repeat(128), type: 'TradeConfirmed', version: 1, occurredAt: '2026-11-02T09:30:00.123Z', source: 'oms',
    aggregateId: 'K'.repeat(64), correlationId: 'c'.repeat(128), traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', payload: { n: 1 },
  } as unknown as Envelope;
  const body = canonicalJson(e);
  const stored = { seq: 2 ** 53 - 1, eventId: e.eventId, aggregateId: e.aggregateId, topic: 't', body, receivedAt: Date.UTC(2026, 10, 2), sender: 's'.repeat(64) };
  const replayed = { ...stored, replayOf: 2 ** 53 - 2, replayId: `replay-${randomUUID()}` };
  const batch = encodeRecords([stored, replayed], 'g'.repeat(64));
  for (const [i, r] of batch.records.entries()) {
    const headerBytes = r.headers.reduce((n, h) => n + Object.entries(h).reduce((m, [k, v]) => m + Buffer.byteLength(k) + Buffer.byteLength(v) + 10, 0), 0);
    // Kafka RecordBatch v2 header (61) and librdkafka's per-record overhead (36), as record-size.ts counts them.
    const actual = 61 + 36 + valueOf(batch, i).length + Buffer.byteLength(r.key) + headerBytes;
    assert.ok(recordBytesAtMost(e, body) >= actual, `${i === 0 ? 'original' : 'replay'}: bound ${recordBytesAtMost(e, body)} < the record's ${actual} bytes`);
  }
});
