import { DeliveryWatch } from '../delivery-watch.js';
import { GatewayProcess } from '../gateway-process.js';
import { runLoad } from '../load-generator.js';
import type { LoadPlan } from '../load-plan.js';
import { round } from '../percentiles.js';
import type { MeasuredFigures } from '../report.js';
import { gatewayEnv, gatewayOptions, perMillion, removeWal, type ScenarioContext } from './scenario-context.js';

export interface HttpScenario {
  id: 'S1' | 'S2' | 'S5';
  eventsPerRequest: number;
  connections: number;
  pipelining: number;
  load: LoadPlan['load'];
}

/**
 * S1, S2, S5: a fresh gateway, the load generator posting events, a consumer confirming each one
 * reached Kafka. The rate counts from the first request to the moment the last event was both
 * acknowledged and consumed; CPU and peak RSS are the gateway process's own.
 */
export async function runHttpScenario(ctx: ScenarioContext, s: HttpScenario): Promise<MeasuredFigures> {
  const { env, topic, walPath } = gatewayEnv(ctx, s.id);
  const gw = await GatewayProcess.start(env, gatewayOptions(ctx, s.id));
  let watch: DeliveryWatch | undefined;
  try {
    watch = await DeliveryWatch.start(ctx.config.brokers || gw.bootstrap, topic);
    const before = gw.stats();
    const load = await runLoad({
      url: gw.url,
      runId: `${ctx.runId}-${s.id}`,
      firstIndex: 0,
      eventsPerRequest: s.eventsPerRequest,
      connections: s.connections,
      pipelining: s.pipelining,
      load: s.load,
    });
    if (load.failedRequests > 0) ctx.log(`${s.id}: ${load.failedRequests} requests failed, first: ${load.firstFailure}`);
    const reported = await deliveryReported(gw, load.ackedEvents);
    await watch.waitFor(load.ackedEvents);
    const after = gw.stats();
    const end = Math.max(load.endedAt, watch.lastAt);
    const e2e = watch.e2e.percentiles();
    return {
      eventsPerSec: Math.round(load.ackedEvents / ((end - load.startedAt) / 1000)),
      ackLatencyMs: load.ackLatencyMs,
      ...(load.steadyAckLatencyMs ? { steadyAckLatencyMs: load.steadyAckLatencyMs } : {}),
      e2eLatencyMs: { p50: e2e.p50, p99: e2e.p99 },
      peakRssMb: after.peakRssMb,
      cpuSecondsPerMillion: perMillion(before.cpuSeconds, after.cpuSeconds, load.ackedEvents),
      events: load.ackedEvents,
      failedRequests: load.failedRequests,
      ackedPerSec: Math.round(load.ackedEvents / ((load.endedAt - load.startedAt) / 1000)),
      requests: load.requests,
      reportedPerSec: Math.round(load.ackedEvents / ((Math.max(load.endedAt, reported) - load.startedAt) / 1000)),
      ...(s.load.kind === 'open' ? { offeredEventsPerSec: round(s.load.requestsPerSec * s.eventsPerRequest, 0) } : {}),
    };
  } finally {
    await watch?.close();
    const exit = await gw.stop();
    if (exit.code !== 0) ctx.log(`${s.id}: gateway exited with ${exit.code ?? exit.signal} on SIGTERM`);
    removeWal(walPath);
  }
}

/** When the gateway's delivery cursor (advanced by Kafka's delivery reports) reached `n`: polled, ~20 ms resolution. */
async function deliveryReported(gw: GatewayProcess, n: number): Promise<number> {
  await gw.waitFor(`${n} deliveries reported`, async () => (await gw.ready()).delivery.deliveredCursor >= n, { timeoutMs: 300_000, everyMs: 20 });
  return Date.now();
}
