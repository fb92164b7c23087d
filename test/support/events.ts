/** Builders for valid test events. `n` is the per-aggregate sequence the order checks rely on. */
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

export function makeEvent(eventId: string, aggregateId: string, n: number, extra: Partial<TestEvent> = {}): TestEvent {
  return {
    eventId,
    type: 'TradeConfirmed',
    version: 1,
    occurredAt: '2026-11-02T09:30:00.123Z',
    source: 'test-oms',
    aggregateId,
    payload: { n, notional: '1000000.00', currency: 'EUR' },
    ...extra,
  };
}

export const ndjson = (events: readonly unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
