import type { Percentiles } from './percentiles.js';

/**
 * What the load generator is asked to do. Closed loop: `connections x pipelining` requests in
 * flight, each sent as soon as one is answered, until `totalEvents` are acknowledged (the
 * maximum rate). Open loop: requests started on a fixed schedule whatever the answers (a fixed
 * offered load); latency is counted from the scheduled start, so queueing is not hidden.
 */
export interface LoadPlan {
  url: string;
  /** eventIds are `<runId>-<index>`, unique per run. */
  runId: string;
  firstIndex: number;
  eventsPerRequest: number;
  connections: number;
  pipelining: number;
  load: { kind: 'closed'; totalEvents: number } | { kind: 'open'; requestsPerSec: number; durationMs: number };
}

export interface LoadResult {
  requests: number;
  /** Events in requests answered 202. */
  ackedEvents: number;
  failedRequests: number;
  firstFailure?: string;
  /** Epoch ms of the first request and of the last answer. */
  startedAt: number;
  endedAt: number;
  ackLatencyMs: Percentiles;
  /** Open loop only: the requests due from STEADY_AFTER_MS on (the start-up's first second left out). */
  steadyAckLatencyMs?: Percentiles;
}

/** Where an open loop's steady part begins, ms after its first request was due. */
export const STEADY_AFTER_MS = 1000;
