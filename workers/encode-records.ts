import { encodeRecords, type EncodedBatch } from '../gateway/sinks/kafka/record-encoder.js';
import type { StoredEvent } from '../gateway/wal/stored-event.js';

/**
 * Piscina worker entry: encodes one batch off the event loop. The values come back packed in one
 * buffer, so crossing the thread boundary costs one copy per batch, not one per record.
 */
export default function encode(task: { events: StoredEvent[]; gatewayId: string }): EncodedBatch {
  return encodeRecords(task.events, task.gatewayId);
}
