import type { FieldError } from '../errors.js';
import type { Envelope } from './envelope.js';

/**
 * Bytes a Kafka record needs besides its key, value and header strings, at most: the record
 * batch header (61 bytes, Kafka protocol RecordBatch v2), a record's own varint fields (36 bytes:
 * librdkafka's RD_KAFKAP_MESSAGE_V2_MAX_OVERHEAD), and per header two length varints (10 bytes).
 */
const BATCH_OVERHEAD = 61;
const RECORD_OVERHEAD = 36;
const PER_HEADER = 10;
/** The headers the forwarder adds (sinks/kafka/record-encoder.ts), with the longest values it can give them. */
const HEADER_NAMES = ['event-id', 'event-type', 'event-version', 'correlation-id', 'traceparent', 'gateway-id', 'gateway-seq', 'received-at', 'sender'];
/** A replay id: `replay-` and a UUID (admin/replay-routes.ts). */
const REPLAY_ID = 43;
/**
 * What a replayed copy adds: `replay` (the replay id), `replay-of-seq`, `original-correlation-id`
 * (the event's correlation id, counted once already) and the replay id as its `correlation-id`.
 */
const REPLAY_HEADER_BYTES = 'replay'.length + PER_HEADER + REPLAY_ID + 'replay-of-seq'.length + PER_HEADER + 20 + 'original-correlation-id'.length + PER_HEADER + REPLAY_ID;
const FIXED_HEADER_BYTES =
  HEADER_NAMES.reduce((n, name) => n + name.length + PER_HEADER, 0) + 10 /* version */ + 64 /* gateway id */ + 20 /* seq */ + 24 /* received-at, ISO 8601 with ms */ + 64 /* sender name */ + REPLAY_HEADER_BYTES;

/**
 * Pure: an upper bound, in bytes, of the Kafka record that will carry this event or a replayed copy
 * of it (value = `body`, key = aggregateId, the forwarder's headers), to compare with the
 * producer's `message.max.bytes`.
 */
export function recordBytesAtMost(e: Envelope, body: string): number {
  return (
    BATCH_OVERHEAD +
    RECORD_OVERHEAD +
    FIXED_HEADER_BYTES +
    Buffer.byteLength(body) +
    Buffer.byteLength(e.aggregateId) +
    Buffer.byteLength(e.eventId) +
    Buffer.byteLength(e.type) +
    (e.correlationId === undefined ? 0 : Buffer.byteLength(e.correlationId)) +
    (e.traceparent?.length ?? 0)
  );
}

/**
 * Pure: the error for an event whose record could never be sent (librdkafka refuses a record over
 * `message.max.bytes` with ERR_MSG_SIZE_TOO_LARGE, so it would only be dead-lettered), or undefined.
 */
export function recordTooLarge(e: Envelope, body: string, maxRecordBytes: number): FieldError | undefined {
  const bytes = recordBytesAtMost(e, body);
  if (bytes <= maxRecordBytes) return undefined;
  return {
    path: '$',
    code: 'event_too_large',
    message: `the event's Kafka record would take up to ${bytes} bytes; the producer's message.max.bytes is ${maxRecordBytes}`,
  };
}
