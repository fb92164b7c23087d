import type { Forwarder } from '../sinks/kafka/forwarder.js';
import type { KafkaProducer } from '../sinks/kafka/kafka-producer.js';
import type { DeadLetterStore } from '../wal/dead-letter-store.js';
import type { Wal } from '../wal/wal.js';
import type { WalBudget } from '../wal/wal-budget.js';

export const EMBEDDED_BUS_WARNING =
  'kafka.brokers is empty: events go to an in-memory embedded bus that is lost when the process exits; for trying the gateway only';

/**
 * The body of /health/ready. Kafka being unreachable does not make the gateway unready: it keeps
 * taking events into the WAL, and the report shows the breaker and the backlog instead.
 */
export function readyReport(
  gatewayId: string,
  bus: { embedded: boolean; bootstrap: string },
  deps: { wal: Wal; forwarder: Forwarder; producer: KafkaProducer; deadLetters: DeadLetterStore; budget: WalBudget },
): { ready: boolean; report: Record<string, unknown> } {
  const s = deps.forwarder.stats();
  return {
    ready: true,
    report: {
      gatewayId,
      wal: {
        pendingEvents: s.pendingEvents,
        bytes: deps.wal.bytesOnDisk(),
        oldestPendingAgeMs: s.oldestPendingAgeMs,
        deliveredCursor: s.deliveredCursor,
        lastSeq: deps.wal.lastSeq,
        deadLetters: deps.deadLetters.openCount,
        // A paused intake (503 wal_budget_exceeded / wal_disk_full) is flow control, not a fault:
        // the gateway stays ready and resumes by itself as the backlog drains.
        budget: deps.budget.report(),
      },
      kafka: {
        bus: bus.embedded ? 'embedded' : 'external',
        bootstrap: bus.bootstrap,
        connected: deps.producer.connected,
        breaker: deps.forwarder.breakerState,
        inFlight: s.inFlight,
        reconciling: s.reconciling,
        ...(s.lastError ? { lastError: s.lastError } : {}),
        ...(bus.embedded ? { warning: EMBEDDED_BUS_WARNING } : {}),
      },
    },
  };
}
