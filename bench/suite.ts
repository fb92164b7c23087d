import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { bareHttpBaseline } from './baselines/bare-http.js';
import { bareProducer } from './baselines/bare-producer.js';
import { bareTcpEcho } from './baselines/bare-tcp-echo.js';
import { sqliteInserts } from './baselines/sqlite-inserts.js';
import type { BenchConfig, Step } from './bench-config.js';
import { describeMachine } from './machine.js';
import { round } from './percentiles.js';
import type { BenchResult, MeasuredFigures, ScenarioFigures } from './report.js';
import { runDrainScenario } from './scenarios/drain-scenario.js';
import { rsyslogMissing, rsyslogPeer } from './peers/rsyslog-peer.js';
import { runFixScenario } from './scenarios/fix-scenario.js';
import { runHttpScenario } from './scenarios/http-scenario.js';
import type { ScenarioContext } from './scenarios/scenario-context.js';

/** Events per request in S1, as the issue defines it. */
const S1_BATCH = 100;

/**
 * Runs the machine's own limits (L1-L3) and the scenarios (S1-S5) in one go, so every ratio
 * compares figures taken on the same box at the same time.
 */
export async function runSuite(config: BenchConfig, deps: { log: (line: string) => void }): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const ctx: ScenarioContext = { config, runId: `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`, log: deps.log };
  const has = (s: Step) => config.only.includes(s);
  const { sizes, http } = config;
  if (config.gatewayLogDir) {
    mkdirSync(config.gatewayLogDir, { recursive: true });
    deps.log(`logs of this run's gateways (and L2's statistics): ${config.gatewayLogDir}/${ctx.runId}-*.ndjson`);
  }
  const result: BenchResult = {
    machine: { ...describeMachine(config.walDir), startedAt, finishedAt: '', loadAvgAtEnd: 0 },
    settings: {
      mode: config.mode,
      bus: config.brokers ? 'external' : 'embedded',
      brokers: config.brokers,
      synchronous: config.synchronous,
      sizes,
      gatewayEnv: config.gatewayEnv,
    },
    baselines: {},
    scenarios: {},
  };
  /** Runs one measurement, noting the box's 1-minute load average as it started. */
  const step = async <T extends object>(name: string, run: () => Promise<T> | T): Promise<T & { loadAvg: number }> => {
    const loadAvg = round(loadavg()[0]!);
    deps.log(`${name} (loadavg ${loadAvg}) ...`);
    const t0 = Date.now();
    const out = await run();
    deps.log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { ...out, loadAvg };
  };
  const ratio = (s: MeasuredFigures, baseline: 'L1' | 'L2' | 'L3' | 'L4'): ScenarioFigures => {
    const base = result.baselines[baseline]?.eventsPerSec;
    return { ...s, ratio: base ? round(s.eventsPerSec / base, 3) : null, baseline };
  };

  // Each baseline runs right before the scenarios measured against it, so both see the same
  // conditions on the box (another process's burst skews a ratio far less that way).
  if (has('L1')) {
    result.baselines.L1 = await step('L1 bare SQLite inserts', () =>
      sqliteInserts({ dir: config.walDir, rows: sizes.l1Rows, synchronous: config.synchronous, rowsPerTransaction: 10_000 }),
    );
  }
  if (has('S1')) {
    const s = await step('S1 HTTP batches of 100', () =>
      runHttpScenario(ctx, {
        id: 'S1', eventsPerRequest: S1_BATCH, connections: http.batchConnections, pipelining: 1,
        load: { kind: 'closed', totalEvents: Math.ceil(sizes.s1Events / S1_BATCH) * S1_BATCH },
      }),
    );
    result.scenarios.S1 = ratio(s, 'L1');
  }
  if (has('L3')) {
    result.baselines.L3 = await step('L3 bare node:http', () =>
      bareHttpBaseline({
        connections: http.singleConnections, pipelining: http.singlePipelining,
        load: { kind: 'closed', totalEvents: sizes.l3Requests },
      }),
    );
  }
  if (has('S2')) {
    const s = await step('S2 HTTP one event per request', () =>
      runHttpScenario(ctx, {
        id: 'S2', eventsPerRequest: 1, connections: http.singleConnections, pipelining: http.singlePipelining,
        load: { kind: 'closed', totalEvents: sizes.s2Events },
      }),
    );
    result.scenarios.S2 = ratio(s, 'L3');
  }
  if (has('L4')) {
    result.baselines.L4 = await step('L4 bare TCP echo of S3\'s bytes', () => bareTcpEcho({ reports: sizes.s3Reports, window: http.fixWindow }));
  }
  if (has('S3')) {
    const s = await step('S3 one FIX session, TradeCaptureReports', () => runFixScenario(ctx, { reports: sizes.s3Reports, window: http.fixWindow }));
    result.scenarios.S3 = ratio(s, 'L4');
  }
  if (has('S5')) {
    const max = result.scenarios.S2?.eventsPerSec;
    if (!max) {
      deps.log('S5 needs S2 in the same run (its load is half of S2\'s maximum): skipped');
    } else {
      const rate = Math.max(1, Math.floor(max / 2));
      const s = await step(`S5 fixed load of ${rate} ev/s`, () =>
        runHttpScenario(ctx, {
          id: 'S5', eventsPerRequest: 1, connections: http.singleConnections, pipelining: 1,
          load: { kind: 'open', requestsPerSec: rate, durationMs: sizes.s5DurationMs },
        }),
      );
      // The same fixed load against the bare server: the part of the latency that the client, the
      // HTTP stack and the machine's other work account for, without the gateway.
      const floor = await step('L3 at S5\'s fixed load', () =>
        bareHttpBaseline({ connections: http.singleConnections, pipelining: 1, load: { kind: 'open', requestsPerSec: rate, durationMs: sizes.s5DurationMs } }),
      );
      result.scenarios.S5 = { ...ratio(s, 'L3'), bareHttpAckLatencyMs: floor.ackLatencyMs, ...(floor.steadyAckLatencyMs ? { bareHttpSteadyAckLatencyMs: floor.steadyAckLatencyMs } : {}) };
    }
  }
  if (has('L2')) {
    result.baselines.L2 = await step('L2 bare Kafka producer', () =>
      bareProducer({
        brokers: config.brokers, topic: `bench-${ctx.runId}-L2`, records: sizes.l2Records,
        ...gatewayProducerSettings(config.gatewayEnv),
        ...(config.gatewayLogDir ? { statisticsFile: join(config.gatewayLogDir, `${ctx.runId}-L2.ndjson`) } : {}),
      }),
    );
  }
  if (has('S4')) {
    const s = await step(`S4 drain of a ${sizes.s4Backlog}-event backlog`, () => runDrainScenario(ctx, sizes.s4Backlog));
    result.scenarios.S4 = ratio(s, 'L2');
  }
  // The peer: the same events through rsyslog + omkafka into the same broker, after L2 (its baseline).
  const peers = [['P1', 'memory', sizes.p1Events], ['P2', 'durable', sizes.p2Events]] as const;
  for (const [id, queue, events] of peers) {
    if (!has(id)) continue;
    const missing = config.brokers ? rsyslogMissing() : 'needs a real broker (KAFKA_BROKERS)';
    if (missing) {
      result.scenarios[id] = { skipped: missing };
      continue;
    }
    const s = await step(`${id} rsyslog + omkafka, ${queue} queue, ${events} events`, () =>
      rsyslogPeer({ brokers: config.brokers, topic: `bench-${ctx.runId}-${id}`, events, queue }),
    );
    result.scenarios[id] = ratio(s, 'L2');
  }
  // Issue 12's S1 target is against min(L1, L2): every S1 event is both inserted and produced.
  const s1 = result.scenarios.S1;
  const l1 = result.baselines.L1?.eventsPerSec;
  const l2 = result.baselines.L2?.eventsPerSec;
  if (s1 && l1 && l2 && l2 < l1) result.scenarios.S1 = ratio(s1, 'L2');
  result.machine.finishedAt = new Date().toISOString();
  result.machine.loadAvgAtEnd = round(loadavg()[0]!);
  return result;
}

/**
 * The gateway's `kafka.producer` pass-through when the run sets it (`--gateway-env
 * EDGE_GATEWAY_KAFKA_PRODUCER=...`, YAML as the gateway reads it), for L2 to use the same settings.
 */
function gatewayProducerSettings(env: Record<string, string>): { producer?: Record<string, string | number | boolean> } {
  const text = env.EDGE_GATEWAY_KAFKA_PRODUCER;
  return text === undefined ? {} : { producer: parseYaml(text) as Record<string, string | number | boolean> };
}
