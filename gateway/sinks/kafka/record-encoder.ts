import type { StoredEvent } from '../../wal/stored-event.js';
import { envelopeHead } from './envelope-head.js';

/** One Kafka record, without its value bytes (those travel packed in `EncodedBatch.values`). */
export interface RecordMeta {
  seq: number;
  topic: string;
  key: string;
  timestamp: number;
  headers: Array<Record<string, string>>;
}

/**
 * A batch of records as it crosses the worker-thread boundary: the values are packed into one
 * transferable buffer (`ends[i]` is where record i's value ends) so nothing is copied per record.
 */
export interface EncodedBatch {
  records: RecordMeta[];
  values: Uint8Array;
  ends: Uint32Array;
}

/**
 * Pure: turns WAL rows into Kafka records. Key = aggregateId (per-key order); value = the canonical
 * JSON as stored; headers identify the event and its place in this gateway's log, and mark a replayed
 * copy (`replay`, `replay-of-seq`, a new `correlation-id`; the sender's in `original-correlation-id`),
 * and name the authenticated sender (`sender`, with auth.senders).
 */
export function encodeRecords(events: readonly StoredEvent[], gatewayId: string): EncodedBatch {
  const records: RecordMeta[] = new Array(events.length);
  const ends = new Uint32Array(events.length);
  let total = 0;
  for (let i = 0; i < events.length; i++) {
    total += Buffer.byteLength(events[i]!.body);
    ends[i] = total;
  }
  const values = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    at += values.write(e.body, at);
    const env = envelopeHead(e.body);
    const headers: Array<Record<string, string>> = [
      { 'event-id': e.eventId },
      { 'event-type': env.type },
      { 'event-version': String(env.version) },
    ];
    if (e.replayId) {
      // A replay: a new correlation (the replay's id) so consumers can tell it from the original.
      headers.push({ 'correlation-id': e.replayId }, { replay: e.replayId }, { 'replay-of-seq': String(e.replayOf) });
      if (env.correlationId !== undefined) headers.push({ 'original-correlation-id': env.correlationId });
    } else if (env.correlationId !== undefined) headers.push({ 'correlation-id': env.correlationId });
    if (env.traceparent !== undefined) headers.push({ traceparent: env.traceparent });
    // Who sent it (auth.senders): the bus knows the sender without trusting the event's `source`.
    if (e.sender) headers.push({ sender: e.sender });
    // received-at: when this gateway received the event (ISO 8601 UTC, ms), as the record timestamp says in epoch ms.
    headers.push({ 'gateway-id': gatewayId }, { 'gateway-seq': String(e.seq) }, { 'received-at': new Date(e.receivedAt).toISOString() });
    records[i] = { seq: e.seq, topic: e.topic, key: e.aggregateId, timestamp: e.receivedAt, headers };
  }
  return { records, values: new Uint8Array(values.buffer, 0, total), ends };
}

/** The value bytes of record `i`, as a Buffer view (no copy). */
export function valueOf(batch: EncodedBatch, i: number): Buffer {
  const start = i === 0 ? 0 : batch.ends[i - 1]!;
  return Buffer.from(batch.values.buffer, batch.values.byteOffset + start, batch.ends[i]! - start);
}

/**
 * Pure: the copy of a dead letter for the dead-letter topic: the event as stored, headers naming
 * the refused topic and the error. Its `seq` is negative so it never collides with the original's
 * report.
 */
export function encodeDeadLetter(
  e: StoredEvent,
  error: { code: string; message: string },
  topic: string,
  gatewayId: string,
): EncodedBatch {
  const value = Buffer.from(e.body);
  const headers: Array<Record<string, string>> = [
    { 'event-id': e.eventId },
    { 'dead-letter-topic': e.topic },
    { 'dead-letter-error-code': error.code },
    { 'dead-letter-error': error.message },
    ...(e.sender ? [{ sender: e.sender }] : []),
    { 'gateway-id': gatewayId },
    { 'gateway-seq': String(e.seq) },
  ];
  return {
    records: [{ seq: -e.seq, topic, key: e.aggregateId, timestamp: e.receivedAt, headers }],
    values: new Uint8Array(value.buffer, value.byteOffset, value.length),
    ends: Uint32Array.of(value.length),
  };
}
