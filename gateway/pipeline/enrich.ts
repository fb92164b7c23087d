import { randomFillSync } from 'node:crypto';
import type { Envelope } from './envelope.js';

/** Where new trace and span ids come from (random by default; fixed in tests). */
export interface TraceIds {
  /** 32 lower-case hex digits, not all zero. */
  traceId(): string;
  /** 16 lower-case hex digits, not all zero: the gateway's own span. */
  spanId(): string;
}

export const randomTraceIds: TraceIds = {
  traceId: () => nonZeroHex(16),
  spanId: () => nonZeroHex(8),
};

/** Random bytes drawn 4 KiB at a time: one `randomFillSync` per call cost ~16 % of an intake thread's time. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function nonZeroHex(bytes: number): string {
  for (;;) {
    if (used + bytes > pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    const hex = pool.toString('hex', used, (used += bytes));
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * Enrichment on ingest: a W3C `traceparent` (Trace Context, section 3.2) is kept as sent; when
 * absent the gateway starts a trace whose parent id is its own span id (flags 00: not sampled, the
 * gateway records no spans). `correlationId` defaults to the `eventId`. When and where the event
 * was received travel in the Kafka record (timestamp, `gateway-id` header), not in the event.
 */
export function enrich(e: Envelope, ids: TraceIds): Envelope {
  if (e.traceparent !== undefined && e.correlationId !== undefined) return e;
  return {
    ...e,
    correlationId: e.correlationId ?? e.eventId,
    traceparent: e.traceparent ?? `00-${ids.traceId()}-${ids.spanId()}-00`,
  };
}
