/**
 * The events every scenario and baseline sends: one shape, so row sizes and record sizes match
 * across the gateway and the bare baselines. `occurredAt` is the moment the sender built the
 * event; the delivery watch reads it back from Kafka for end-to-end latency.
 */

/** Distinct ordering keys: enough to spread over partitions, few enough to exercise per-key order. */
export const KEYS = 1000;

export function benchEvent(runId: string, i: number, occurredAt: string): string {
  const key = `5493001KJTIIGC8Y1R12${String(i % KEYS).padStart(6, '0')}`;
  // Canonical field order, so the gateway stores exactly these bytes.
  return (
    `{"eventId":"${runId}-${i}","type":"TradeConfirmed","version":1,"occurredAt":"${occurredAt}",` +
    `"source":"bench-oms","aggregateId":"${key}","payload":{"n":${i},"uti":"${key}T${i}",` +
    `"notional":"1000000.00","currency":"EUR","price":"101.2345","quantity":"5000","side":"BUY","venue":"XOFF"}}`
  );
}

export function benchKey(i: number): string {
  return `5493001KJTIIGC8Y1R12${String(i % KEYS).padStart(6, '0')}`;
}

/** A request body of `count` events starting at index `first`: one object, or an array. */
export function requestBody(runId: string, first: number, count: number): string {
  const now = new Date().toISOString();
  if (count === 1) return benchEvent(runId, first, now);
  const parts: string[] = new Array(count);
  for (let j = 0; j < count; j++) parts[j] = benchEvent(runId, first + j, now);
  return `[${parts.join(',')}]`;
}

const OCCURRED_AT = Buffer.from('"occurredAt":"');

/** When the sender built the event (epoch ms), read from a record value without parsing the JSON. */
export function occurredAtOf(value: Buffer): number {
  const at = value.indexOf(OCCURRED_AT);
  if (at < 0) return NaN;
  const start = at + OCCURRED_AT.length;
  return Date.parse(value.toString('latin1', start, value.indexOf(0x22, start)));
}
