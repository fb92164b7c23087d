import { createHash } from 'node:crypto';
import { SAMPLE_LEI, samplePayload } from '../../gateway/catalogue/sample-events.js';

/** Builders for valid test events: catalogue events the gateway accepts. */
export interface TestEvent {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  source: string;
  aggregateId: string;
  correlationId?: string;
  traceparent?: string;
  payload: Record<string, unknown>;
}

/**
 * A UTI of its own for each event (so every TradeConfirmed starts a new life), carrying `n` at its
 * end: `<LEI><12 hex of the eventId>N<n>`, at most 52 characters.
 */
export function testUti(eventId: string, n: number): string {
  return `${SAMPLE_LEI}${createHash('sha1').update(eventId).digest('hex').slice(0, 12).toUpperCase()}N${n}`;
}

/**
 * The sender's per-aggregate sequence `n` of a test event: read back from its UTI, or `payload.n`
 * in rows that tests write to a WAL directly (the forwarder's tests, which bypass the catalogue).
 */
export const orderOf = (event: { payload: Record<string, unknown> }): number =>
  typeof event.payload.n === 'number' ? event.payload.n : Number(String(event.payload.uti).slice(33));

/** A valid TradeConfirmed (NEWT) with a UTI of its own; `n` is the per-aggregate sequence the order checks rely on. */
export function makeEvent(eventId: string, aggregateId: string, n: number, extra: Partial<TestEvent> = {}): TestEvent {
  return {
    eventId,
    type: 'TradeConfirmed',
    version: 1,
    occurredAt: '2026-11-02T09:30:00.123Z',
    source: 'test-oms',
    aggregateId,
    payload: samplePayload('TradeConfirmed', 1, testUti(eventId, n)),
    ...extra,
  };
}

/** An event of any catalogue type and version for the trade `uti` (keyed by it), with the sample payload. */
export function lifecycleEvent(eventId: string, type: string, uti: string, version = 1, payload: Record<string, unknown> = {}): TestEvent {
  return {
    eventId, type, version, occurredAt: '2026-11-02T09:30:00.123Z', source: 'test-oms', aggregateId: uti,
    payload: { ...samplePayload(type, version, uti), ...payload },
  };
}

export const ndjson = (events: readonly unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
