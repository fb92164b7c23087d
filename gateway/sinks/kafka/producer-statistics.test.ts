import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { summariseStatistics, type LibrdkafkaStatistics } from './producer-statistics.js';

// Two consecutive emissions (1 s apart) of librdkafka 2.12's statistics from an idempotent
// producer (lz4, linger 5 ms) sending to a real one-broker Kafka 4.4 with three partitions.
const [first, second] = JSON.parse(readFileSync(new URL('./producer-statistics.sample.json', import.meta.url), 'utf8')) as LibrdkafkaStatistics[];

it('keeps per broker the queues, in-flight requests and latencies, per topic the batch sizes', () => {
  assert.deepEqual(summariseStatistics(second!), {
    msg_cnt: 3346,
    tx: 599,
    txmsgs: 500662,
    brokers: {
      '127.0.0.1:19410/1': {
        outbuf_cnt: 1,
        waitresp_cnt: 0,
        waitresp_msg_cnt: 0,
        int_latency_us: { avg: 5200, p99: 16639 },
        outbuf_latency_us: { avg: 717, p99: 7135 },
        rtt_us: { avg: 1540, p99: 8831 },
      },
    },
    topics: { 'stats-capture': { batchsize: { avg: 8522, p99: 17919 }, batchcnt: { avg: 769, p99: 1623 }, batches: 370 } },
  });
});

it('gives the interval and the request and message rates over it from the previous emission', () => {
  const s = summariseStatistics(second!, first);
  assert.equal(s.intervalMs, 1005);
  assert.equal(s.txPerSec, 367);
  assert.equal(s.txmsgsPerSec, 283199);
});

it('gives no rates for the same emission twice (no time between them)', () => {
  const s = summariseStatistics(second!, second);
  assert.equal('intervalMs' in s, false);
  assert.equal('txmsgsPerSec' in s, false);
});

it('fits one log line: a small fraction of librdkafka\'s JSON', () => {
  const full = JSON.stringify(second).length;
  const summary = JSON.stringify(summariseStatistics(second!, first)).length;
  assert.ok(summary < full / 10, `summary ${summary} bytes of ${full}`);
});
