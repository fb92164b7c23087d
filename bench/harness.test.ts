import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BenchConfigSchema, QUICK } from './bench-config.js';
import { formatTable } from './report.js';
import { parseBenchArgs, writeResult } from './run-bench.js';
import { runSuite } from './suite.js';
import { tempDir } from './temp-dir.js';

// The harness's plumbing, not the gateway's speed: tiny sizes, embedded bus, no figure thresholds.
describe('bench harness', () => {
  it('parses its arguments', () => {
    const c = parseBenchArgs(['--quick', '--only', 's1,S2', '--gateway-env', 'EDGE_GATEWAY_FORWARDER_WORKER_THREADS=0'], {});
    assert.ok(c !== 'help');
    assert.equal(c.mode, 'quick');
    assert.deepEqual(c.sizes, QUICK);
    assert.deepEqual(c.only, ['S1', 'S2']);
    assert.equal(c.brokers, '');
    assert.deepEqual(c.gatewayEnv, { EDGE_GATEWAY_FORWARDER_WORKER_THREADS: '0' });
    assert.equal(c.gatewayLogDir, undefined);
    const l = parseBenchArgs(['--gateway-log', 'logs'], {});
    assert.ok(l !== 'help');
    assert.equal(l.gatewayLogDir, 'logs');
    const k = parseBenchArgs(['--sizes', '{"s1Events":500}'], { KAFKA_BROKERS: '127.0.0.1:1' });
    assert.ok(k !== 'help');
    assert.equal(k.brokers, '127.0.0.1:1');
    assert.equal(k.mode, 'custom');
    assert.equal(k.sizes.s1Events, 500);
    assert.throws(() => parseBenchArgs(['--only', 'S9'], {}));
    assert.equal(parseBenchArgs(['--help'], {}), 'help');
  });

  it('measures every baseline and scenario and reports them in the agreed JSON shape', async () => {
    const out = tempDir('bench-test-');
    const config = BenchConfigSchema.parse({
      mode: 'custom',
      walDir: out,
      sizes: { l1Rows: 2000, l2Records: 2000, l3Requests: 400, s1Events: 1000, s2Events: 300, s3Reports: 500, s4Backlog: 2000, s5DurationMs: 500, p1Events: 1000, p2Events: 200 },
      http: { batchConnections: 2, singleConnections: 8 },
      gatewayLogDir: join(out, 'logs'),
    });
    const result = await runSuite(config, { log: () => {} });
    const json = JSON.parse(readFileSync(writeResult(result, out), 'utf8'));

    const positive = (v: unknown, what: string) => assert.ok(typeof v === 'number' && v > 0, `${what} = ${v}`);
    for (const k of ['cores', 'memoryMb']) positive(json.machine[k], `machine.${k}`);
    for (const k of ['node', 'librdkafka']) assert.equal(typeof json.machine[k], 'string');
    positive(json.baselines.L1.eventsPerSec, 'L1');
    positive(json.baselines.L2.eventsPerSec, 'L2');
    positive(json.baselines.L3.requestsPerSec, 'L3 requests');
    positive(json.baselines.L3.eventsPerSec, 'L3 events');
    positive(json.baselines.L4.eventsPerSec, 'L4');
    positive(json.baselines.L4.ackLatencyMs.p99, 'L4 echo latency');
    assert.equal(json.scenarios.S3.events, 500);
    assert.equal(json.scenarios.S3.baseline, 'L4');
    for (const id of ['P1', 'P2']) assert.deepEqual(json.scenarios[id], { skipped: 'needs a real broker (KAFKA_BROKERS)' });
    for (const id of ['S1', 'S2', 'S3', 'S4', 'S5']) {
      const s = json.scenarios[id];
      for (const k of ['eventsPerSec', 'ratio', 'peakRssMb', 'cpuSecondsPerMillion']) positive(s[k], `${id}.${k}`);
      assert.deepEqual(Object.keys(s.ackLatencyMs), ['p50', 'p99', 'p999']);
      assert.deepEqual(Object.keys(s.e2eLatencyMs), ['p50', 'p99']);
      if (id !== 'S4') {
        for (const k of ['p50', 'p99', 'p999']) positive(s.ackLatencyMs[k], `${id}.ackLatencyMs.${k}`);
        for (const k of ['p50', 'p99']) assert.equal(typeof s.e2eLatencyMs[k], 'number', `${id}.e2eLatencyMs.${k}`);
      }
      assert.equal(s.failedRequests, 0);
    }
    assert.equal(json.scenarios.S4.events, 2000);
    // --gateway-log: each gateway's JSON log lines, one file per scenario (S4's intake gateway apart).
    const logs = readdirSync(join(out, 'logs'));
    for (const id of ['S1', 'S2', 'S3', 'S4-intake', 'S4', 'S5']) {
      const file = logs.find((f) => f.endsWith(`-${id}.ndjson`));
      assert.ok(file, `${id}'s gateway log in ${logs.join(', ')}`);
      const lines = readFileSync(join(out, 'logs', file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { port?: number });
      assert.ok(lines.some((l) => typeof l.port === 'number'), `${id}: the listening line`);
    }
    positive(json.scenarios.S5.bareHttpAckLatencyMs.p99, 'S5 latency floor');
    const table = formatTable(result);
    for (const row of ['L1', 'L2', 'L3', 'L4', 'S1', 'S2', 'S3', 'S4', 'S5']) assert.match(table, new RegExp(`^${row} `, 'm'));
    assert.match(table, /^Details: bench\/README\.md/m, 'a legend, pointing to the full description');
    assert.match(table, /^verdict: \d+ of \d+ measured targets met/m);
  });
});
