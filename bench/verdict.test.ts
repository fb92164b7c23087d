import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BenchResult, ScenarioFigures } from './report.js';
import { verdict } from './verdict.js';

const scenario = (ratio: number, p99: number, rss: number): ScenarioFigures =>
  ({ ratio, ackLatencyMs: { p50: 1, p99, p999: p99 }, peakRssMb: rss }) as unknown as ScenarioFigures;

it('says in one line which targets a run met, missed or did not measure', () => {
  const r = { scenarios: { S1: scenario(0.7, 9, 300), S2: scenario(0.2, 3, 100) } } as unknown as BenchResult;
  assert.equal(
    verdict(r),
    'verdict: 1 of 3 measured targets met; missed: S2 >= 0.5 x L3 (0.20 x L3), S1 peak RSS <= 256 MB (300 MB); met: S1 >= 0.6 x L1 (0.70 x L1) ' +
      '(targets: bench/README.md "Targets"; a shared or small machine misses them)',
  );
});
