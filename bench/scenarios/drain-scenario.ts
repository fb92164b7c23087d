import { GatewayProcess } from '../gateway-process.js';
import { runLoad } from '../load-generator.js';
import type { MeasuredFigures } from '../report.js';
import { gatewayEnv, gatewayOptions, perMillion, removeWal, type ScenarioContext } from './scenario-context.js';
import { freePort } from '../free-port.js';

/**
 * S4: a backlog in the WAL forwarded after the bus comes back. The backlog is taken in while the
 * gateway points at a closed port (it starts and takes events anyway), the gateway is killed,
 * then started on the same WAL with the bus; the drain is timed from its 'listening' line until
 * the delivery cursor (advanced by Kafka's delivery reports) reaches the last seq.
 */
export async function runDrainScenario(ctx: ScenarioContext, backlog: number): Promise<MeasuredFigures> {
  const perRequest = 1000;
  const events = Math.ceil(backlog / perRequest) * perRequest;
  const first = gatewayEnv(ctx, 'S4');
  const offline = await GatewayProcess.start(
    { ...first.env, EDGE_GATEWAY_KAFKA_BROKERS: `127.0.0.1:${await freePort()}` },
    gatewayOptions(ctx, 'S4-intake'),
  );
  try {
    const load = await runLoad({
      url: offline.url, runId: `${ctx.runId}-S4`, firstIndex: 0, eventsPerRequest: perRequest, connections: 4, pipelining: 1,
      load: { kind: 'closed', totalEvents: events },
    });
    if (load.ackedEvents !== events) throw new Error(`S4: only ${load.ackedEvents} of ${events} backlog events acknowledged: ${load.firstFailure}`);
    ctx.log(`S4: backlog of ${events} events in the WAL (${Math.round(events / ((load.endedAt - load.startedAt) / 1000))} ev/s taken in with Kafka away)`);
  } finally {
    // Killed, not stopped: with the bus unreachable a graceful stop blocks the gateway's event loop
    // for ~9 s (its producer's pending connect). Every acknowledged event is committed already, so
    // the restart finds the whole backlog, as after a crash.
    await offline.kill();
  }

  const gw = await GatewayProcess.start(first.env, gatewayOptions(ctx, 'S4'));
  try {
    const before = gw.stats();
    await gw.waitFor(`S4: the backlog of ${events} delivered`, async () => {
      const r = await gw.ready();
      if (r.wal.lastSeq !== events) throw new Error(`S4: the restarted gateway holds ${r.wal.lastSeq} events, expected ${events}`);
      return r.delivery.deliveredCursor >= events;
    }, { timeoutMs: 300_000, everyMs: 20 });
    const seconds = (Date.now() - gw.listeningAt) / 1000;
    const after = gw.stats();
    return {
      eventsPerSec: Math.round(events / seconds),
      ackLatencyMs: { p50: null, p99: null, p999: null },
      e2eLatencyMs: { p50: null, p99: null },
      peakRssMb: after.peakRssMb,
      cpuSecondsPerMillion: perMillion(before.cpuSeconds, after.cpuSeconds, events),
      events,
      failedRequests: 0,
      drainSeconds: Math.round(seconds * 100) / 100,
      note: `drained a backlog of ${events.toLocaleString('en-US')} events${events < 1_000_000 ? ' (smaller than the full run\'s 1,000,000)' : ''}; timed from restart to the last delivery report; no latencies (the events waited for the bus by design)`,
    };
  } finally {
    await gw.stop();
    removeWal(first.walPath);
  }
}

