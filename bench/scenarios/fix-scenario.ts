import { DeliveryWatch } from '../delivery-watch.js';
import { buildReports, streamReports } from '../fix-stream.js';
import { GatewayProcess } from '../gateway-process.js';
import type { MeasuredFigures } from '../report.js';
import { gatewayEnv, gatewayOptions, perMillion, removeWal, type ScenarioContext } from './scenario-context.js';
import { freePort } from '../free-port.js';


export async function runFixScenario(ctx: ScenarioContext, o: { reports: number; window: number }): Promise<MeasuredFigures> {
  const { env, topic, walPath } = gatewayEnv(ctx, 'S3');
  const port = await freePort();
  const gw = await GatewayProcess.start({
    ...env,
    EDGE_GATEWAY_FIX_LISTEN: `127.0.0.1:${port}`,
    // A long run's SendingTimes are taken when the messages are built, before the run.
    EDGE_GATEWAY_FIX_SESSIONS: JSON.stringify([{ senderCompId: 'GATEWAY', targetCompId: 'OMS1', sendingTimeToleranceS: 86_400 }]),
  }, gatewayOptions(ctx, 'S3'));
  let watch: DeliveryWatch | undefined;
  try {
    watch = await DeliveryWatch.start(ctx.config.brokers || gw.bootstrap, topic);
    const msgs = buildReports(`${ctx.runId}-S3`, o.reports);
    const before = gw.stats();
    const r = await streamReports(port, msgs, o.window, true);
    await watch.waitFor(r.messages);
    const after = gw.stats();
    const end = Math.max(r.endedAt, watch.lastAt);
    const e2e = watch.e2e.percentiles();
    return {
      eventsPerSec: Math.round(r.messages / ((end - r.startedAt) / 1000)),
      ackLatencyMs: r.ackLatencyMs,
      e2eLatencyMs: { p50: e2e.p50, p99: e2e.p99 },
      peakRssMb: after.peakRssMb,
      cpuSecondsPerMillion: perMillion(before.cpuSeconds, after.cpuSeconds, r.messages),
      events: r.messages,
      failedRequests: 0,
      ackedPerSec: Math.round(r.messages / ((r.endedAt - r.startedAt) / 1000)),
    };
  } finally {
    await watch?.close();
    const exit = await gw.stop();
    if (exit.code !== 0) ctx.log(`S3: gateway exited with ${exit.code ?? exit.signal} on SIGTERM`);
    removeWal(walPath);
  }
}
