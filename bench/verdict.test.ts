import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BenchResult, ScenarioFigures } from './report.js';
import { verdict } from './verdict.js';

const scenario = (ratio: number, p99: number, rss: number, extra: object = {}): ScenarioFigures =>
  ({ ratio, ackLatencyMs: { p50: 1, p99, p999: p99 }, e2eLatencyMs: { p50: 1, p99: 900 }, peakRssMb: rss, ...extra }) as unknown as ScenarioFigures;

it('says in one line which of issue 12\'s targets a run met, missed or did not measure', () => {
  const r = {
    baselines: { L1: { eventsPerSec: 200 }, L2: { eventsPerSec: 100 } },
    scenarios: { S1: scenario(0.7, 9, 300), S2: scenario(0.2, 3, 100), S5: scenario(0.1, 12, 200, { bareHttpAckLatencyMs: { p50: 1, p99: 3, p999: 3 } }) },
  } as unknown as BenchResult;
  assert.equal(
    verdict(r),
    'verdict: 4 of 7 measured targets met; missed: S2 >= 0.5 x L3 (0.20 x L3), S5 ack p99 <= 3 x the bare server\'s (4.0 x), S1 peak RSS <= 256 MB (300 MB); ' +
      'met: S1 >= 0.6 x min(L1, L2) (0.70), S1 e2e p99 < 1 s (900 ms), S2 peak RSS <= 256 MB (100 MB), S5 peak RSS <= 256 MB (200 MB) ' +
      '(targets: bench/README.md "Targets"; a shared or small machine misses them)',
  );
});

it('leaves S1 against min(L1, L2) unmeasured unless both baselines ran', () => {
  const r = { baselines: { L1: { eventsPerSec: 200 } }, scenarios: { S1: scenario(0.7, 9, 100) } } as unknown as BenchResult;
  assert.match(verdict(r), /^verdict: 2 of 2 measured targets met; met: S1 e2e p99 < 1 s/);
});
