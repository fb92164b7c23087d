import type { BenchResult } from './report.js';

type Check = { name: string; check: (r: BenchResult) => number | null; met: (v: number) => boolean; show: (v: number) => string };

const SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5'] as const;

/** Issue 12's targets (bench/README.md "Targets"), checked against one run's figures. */
const TARGETS: readonly Check[] = [
  {
    name: 'S1 >= 0.6 x min(L1, L2)',
    // Only with both baselines in the run: suite.ts then gives S1's ratio against the lower one.
    check: (r) => (r.baselines?.L1 && r.baselines.L2 ? (r.scenarios.S1?.ratio ?? null) : null),
    met: (v) => v >= 0.6,
    show: (v) => `${v.toFixed(2)}`,
  },
  { name: 'S1 e2e p99 < 1 s', check: (r) => r.scenarios.S1?.e2eLatencyMs.p99 ?? null, met: (v) => v < 1000, show: (v) => `${v.toFixed(0)} ms` },
  { name: 'S2 >= 0.5 x L3', check: (r) => r.scenarios.S2?.ratio ?? null, met: (v) => v >= 0.5, show: (v) => `${v.toFixed(2)} x L3` },
  { name: 'S4 >= 0.8 x L2', check: (r) => r.scenarios.S4?.ratio ?? null, met: (v) => v >= 0.8, show: (v) => `${v.toFixed(2)} x L2` },
  {
    name: "S5 ack p99 <= 3 x the bare server's",
    check: (r) => {
      const s5 = r.scenarios.S5;
      const floor = s5?.bareHttpAckLatencyMs?.p99;
      return s5?.ackLatencyMs.p99 != null && floor ? s5.ackLatencyMs.p99 / floor : null;
    },
    met: (v) => v <= 3,
    show: (v) => `${v.toFixed(1)} x`,
  },
  ...SCENARIOS.map((id): Check => ({ name: `${id} peak RSS <= 256 MB`, check: (r) => r.scenarios[id]?.peakRssMb ?? null, met: (v) => v <= 256, show: (v) => `${v} MB` })),
];

/** What the table's rows and columns are; the full description is bench/README.md. */
export const LEGEND = [
  'L1-L3: this machine\'s limits with nothing around them (bare SQLite inserts, bare Kafka producer, bare node:http);',
  'S1-S5: the gateway. events/s = acknowledged and delivered, per second; ratio = events/s over the baseline named;',
  'ack = request sent to response read; e2e = event built to record consumed; CPU s/M ev = CPU seconds per million events.',
  'Details: bench/README.md ("The figures").',
].join('\n');

/** Pure: one line saying which targets this run met, missed, or did not measure. */
export function verdict(r: BenchResult): string {
  const met: string[] = [];
  const missed: string[] = [];
  let unmeasured = 0;
  for (const t of TARGETS) {
    const v = t.check(r);
    if (v === null) unmeasured++;
    else (t.met(v) ? met : missed).push(`${t.name} (${t.show(v)})`);
  }
  const parts = [`${met.length} of ${TARGETS.length - unmeasured} measured targets met`];
  if (missed.length) parts.push(`missed: ${missed.join(', ')}`);
  if (met.length) parts.push(`met: ${met.join(', ')}`);
  return `verdict: ${parts.join('; ')} (targets: bench/README.md "Targets"; a shared or small machine misses them)`;
}
