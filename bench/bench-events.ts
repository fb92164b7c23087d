/**
 * The events every scenario and baseline sends: one shape, so row sizes and record sizes match
 * across the gateway and the bare baselines. Each is a valid catalogue TradeConfirmed (a NEWT with a
 * UTI of its own, so the lifecycle read model takes it) that already carries a `correlationId` and a
 * `traceparent`, so the gateway stores exactly these bytes. `occurredAt` (and `executedAt`) is the
 * moment the sender built the event; the delivery watch reads it back from Kafka for end-to-end latency.
 */

/** Distinct ordering keys: enough to spread over partitions, few enough to exercise per-key order. */
export const KEYS = 1000;

const LEI = '5493001KJTIIGC8Y1R12';
/** The W3C trace context every bench event carries. */
export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export function benchEvent(runId: string, i: number, occurredAt: string): string {
  const key = benchKey(i);
  const uti = `${LEI}${runId.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 20)}T${i}`;
  // Canonical field order, so the gateway stores exactly these bytes.
  return (
    `{"eventId":"${runId}-${i}","type":"TradeConfirmed","version":1,"occurredAt":"${occurredAt}",` +
    `"source":"bench-oms","aggregateId":"${key}","correlationId":"${runId}-${i}","traceparent":"${TRACEPARENT}",` +
    `"payload":{"uti":"${uti}","reportingLei":"${LEI}","counterpartyLei":"7LTWFZYICNSX8D621K86",` +
    `"instrument":{"isin":"US0378331005"},"assetClass":"EQ","direction":"BUY","notional":"1000000.00","quantity":"5000",` +
    `"price":"101.2345","notionalCurrency":"EUR","priceCurrency":"EUR","executedAt":"${occurredAt}","venue":"XOFF"}}`
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
