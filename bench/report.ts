import type { BenchConfig } from './bench-config.js';
import type { MachineDescription } from './machine.js';
import type { Percentiles } from './percentiles.js';
import { LEGEND, verdict } from './verdict.js';

/** What a scenario measures itself. */
export interface MeasuredFigures {
  /** Events both acknowledged to the sender and delivered to Kafka, per second of the whole run. */
  eventsPerSec: number;
  ackLatencyMs: Percentiles;
  e2eLatencyMs: { p50: number | null; p99: number | null };
  peakRssMb: number | null;
  cpuSecondsPerMillion: number | null;
  events: number;
  failedRequests: number;
  note?: string;
  /** Acknowledgements alone, per second (delivery may trail them). */
  ackedPerSec?: number;
  requests?: number;
  /** Like eventsPerSec, but delivery as the gateway's delivery reports tell it, not the consumer. */
  reportedPerSec?: number;
  /** S5: the fixed load offered. */
  offeredEventsPerSec?: number;
  /** S5: L3's bare server under the same fixed load: the latency floor of client, HTTP and machine. */
  bareHttpAckLatencyMs?: Percentiles;
  /** S5: ack latency of the requests due after the first second (load-plan.ts STEADY_AFTER_MS): the start-up left out. */
  steadyAckLatencyMs?: Percentiles;
  /** S5: the bare server's, over the same part of its run. */
  bareHttpSteadyAckLatencyMs?: Percentiles;
  /** The box's 1-minute load average when the scenario started. */
  loadAvg?: number;
  /** S4: restart to last delivery report. */
  drainSeconds?: number;
}

export interface ScenarioFigures extends MeasuredFigures {
  /** eventsPerSec over the baseline's rate (`baseline` names it). */
  ratio: number | null;
  baseline: 'L1' | 'L2' | 'L3' | 'L4';
}

export interface BenchResult {
  machine: MachineDescription & { startedAt: string; finishedAt: string; loadAvgAtEnd: number };
  settings: { mode: BenchConfig['mode']; bus: 'embedded' | 'external'; brokers: string; synchronous: string; sizes: BenchConfig['sizes']; gatewayEnv: Record<string, string> };
  /** `loadAvg`: the box's 1-minute load average when each measurement started. */
  baselines: {
    L1?: { eventsPerSec: number; rowBytes: number; loadAvg: number };
    L2?: { eventsPerSec: number; loadAvg: number; /** All its threads, CPU seconds per million records. */ cpuSecondsPerMillion?: number };
    L3?: { requestsPerSec: number; eventsPerSec: number; ackLatencyMs: Percentiles; loadAvg: number };
    /** S3's bytes through a bare TCP echo server with S3's window: messages/s and echo latency. */
    L4?: { eventsPerSec: number; ackLatencyMs: Percentiles; loadAvg: number };
  };
  /** P1, P2: the peer (rsyslog + omkafka), skipped where it is not installed or on the embedded bus. */
  scenarios: Partial<Record<'S1' | 'S2' | 'S3' | 'S4' | 'S5', ScenarioFigures>> & Partial<Record<'P1' | 'P2', ScenarioFigures | { skipped: string }>>;
}

/** The table for people: one line per baseline and scenario. */
export function formatTable(r: BenchResult): string {
  const m = r.machine;
  const lines = [
    `edge-gateway bench (${r.settings.mode}, ${r.settings.bus} bus${r.settings.brokers ? ` ${r.settings.brokers}` : ''}, synchronous=${r.settings.synchronous})`,
    `${m.cores} cores (${m.cpuModel}), ${m.memoryMb} MB, ${m.os}, node ${m.node}, librdkafka ${m.librdkafka}, sqlite ${m.sqlite}, loadavg ${m.loadAvgAtStart} -> ${m.loadAvgAtEnd}`,
    '',
  ];
  const rows: string[][] = [['', 'events/s', 'ratio', 'ack p50/p99/p99.9 ms', 'e2e p50/p99 ms', 'peak RSS MB', 'CPU s/M ev', 'loadavg']];
  const b = r.baselines;
  if (b.L1) rows.push(['L1 bare SQLite inserts', fmt(b.L1.eventsPerSec), '', '', '', '', '', String(b.L1.loadAvg)]);
  if (b.L2) rows.push(['L2 bare Kafka producer', fmt(b.L2.eventsPerSec), '', '', '', '', b.L2.cpuSecondsPerMillion === undefined ? '' : String(b.L2.cpuSecondsPerMillion), String(b.L2.loadAvg)]);
  if (b.L3) rows.push(['L3 bare node:http (1 ev/req)', fmt(b.L3.eventsPerSec), '', lat(b.L3.ackLatencyMs), '', '', '', String(b.L3.loadAvg)]);
  if (b.L4) rows.push(['L4 bare TCP echo (S3 bytes)', fmt(b.L4.eventsPerSec), '', lat(b.L4.ackLatencyMs), '', '', '', String(b.L4.loadAvg)]);
  const names: Record<string, string> = {
    S1: 'S1 HTTP, 100 ev/request', S2: 'S2 HTTP, 1 ev/request', S3: 'S3 FIX session, AE -> AR', S4: 'S4 drain WAL backlog', S5: 'S5 S2 at half its max',
    P1: 'P1 rsyslog+omkafka, memory queue', P2: 'P2 rsyslog+omkafka, disk queue',
  };
  const skipped: string[] = [];
  for (const id of ['S1', 'S2', 'S3', 'S4', 'S5', 'P1', 'P2'] as const) {
    const s = r.scenarios[id];
    if (!s) continue;
    if ('skipped' in s) {
      skipped.push(`${names[id]}: skipped (${s.skipped})`);
      continue;
    }
    rows.push([
      names[id]!,
      fmt(s.eventsPerSec),
      s.ratio === null ? '' : `${s.ratio.toFixed(2)} x ${s.baseline}`,
      lat(s.ackLatencyMs),
      lat(s.e2eLatencyMs),
      s.peakRssMb === null ? '' : String(s.peakRssMb),
      s.cpuSecondsPerMillion === null ? '' : String(s.cpuSecondsPerMillion),
      s.loadAvg === undefined ? '' : String(s.loadAvg),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) lines.push(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  lines.push(...skipped);
  const s5 = r.scenarios.S5;
  if (s5?.bareHttpAckLatencyMs) lines.push(`S5 latency floor (L3's bare server at the same load): ack ${lat(s5.bareHttpAckLatencyMs)} ms`);
  if (s5?.steadyAckLatencyMs && s5.bareHttpSteadyAckLatencyMs) {
    lines.push(`S5 after its first second: ack ${lat(s5.steadyAckLatencyMs)} ms; the bare server's: ${lat(s5.bareHttpSteadyAckLatencyMs)} ms`);
  }
  const notes = Object.entries(r.scenarios).flatMap(([id, s]) => (s && 'note' in s && s.note ? [`${id}: ${s.note}`] : []));
  if (notes.length) lines.push('', ...notes);
  lines.push('', LEGEND, '', verdict(r));
  return lines.join('\n');
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function lat(p: { p50: number | null; p99: number | null; p999?: number | null }): string {
  const parts = [p.p50, p.p99, ...('p999' in p ? [p.p999] : [])];
  return parts.every((v) => v === null || v === undefined) ? '' : parts.map((v) => (v === null || v === undefined ? '-' : v.toFixed(1))).join(' / ');
}
