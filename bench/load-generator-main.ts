import { Pool } from 'undici';
import { requestBody } from './bench-events.js';
import { answerOnce } from './child-entry.js';
import { STEADY_AFTER_MS, type LoadPlan, type LoadResult } from './load-plan.js';
import { Samples } from './percentiles.js';

/** The load generator process: undici, many keep-alive connections, optional HTTP pipelining. */
answerOnce<LoadPlan, LoadResult>(async (plan) => {
  const pool = new Pool(plan.url, {
    connections: plan.connections,
    pipelining: plan.pipelining,
    keepAliveTimeout: 60_000,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const latencies = new Samples();
  const steady = new Samples();
  let steadyFrom = Number.POSITIVE_INFINITY; // set by the open loop
  const result: LoadResult = {
    requests: 0,
    ackedEvents: 0,
    failedRequests: 0,
    startedAt: Date.now(),
    endedAt: 0,
    ackLatencyMs: latencies.percentiles(),
  };
  const send = async (index: number, since: number) => {
    const body = requestBody(plan.runId, plan.firstIndex + index, plan.eventsPerRequest);
    result.requests++;
    try {
      const res = await pool.request({ path: '/v1/events', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.body.text();
      if (res.statusCode === 202) {
        result.ackedEvents += plan.eventsPerRequest;
        latencies.push(performance.now() - since);
        if (since >= steadyFrom) steady.push(performance.now() - since);
      } else {
        result.failedRequests++;
        result.firstFailure ??= `${res.statusCode} ${text.slice(0, 300)}`;
      }
    } catch (err) {
      result.failedRequests++;
      result.firstFailure ??= (err as Error).message;
    }
    result.endedAt = Date.now();
  };

  if (plan.load.kind === 'closed') {
    const total = Math.ceil(plan.load.totalEvents / plan.eventsPerRequest);
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        await send(i * plan.eventsPerRequest, performance.now());
      }
    };
    await Promise.all(Array.from({ length: plan.connections * plan.pipelining }, worker));
  } else {
    const { requestsPerSec, durationMs } = plan.load;
    const interval = 1000 / requestsPerSec;
    const total = Math.floor((durationMs / 1000) * requestsPerSec);
    const t0 = performance.now();
    steadyFrom = t0 + STEADY_AFTER_MS;
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      for (; sent < due; sent++) {
        // Latency counts from when the request was due, not from when the loop got round to it.
        const p = send(sent * plan.eventsPerRequest, t0 + sent * interval).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inFlight);
  }
  await pool.close();
  result.ackLatencyMs = latencies.percentiles();
  if (plan.load.kind === 'open') result.steadyAckLatencyMs = steady.percentiles();
  return result;
});
