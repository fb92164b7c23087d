import { appendFileSync } from 'node:fs';
import Kafka from 'node-rdkafka';
import { EmbeddedBus } from '../../gateway/sinks/kafka/embedded-bus.js';
import { KafkaConfigSchema, producerConfig } from '../../gateway/sinks/kafka/kafka-config.js';
import { summariseStatistics, type LibrdkafkaStatistics } from '../../gateway/sinks/kafka/producer-statistics.js';
import { benchEvent, benchKey, TRACEPARENT } from '../bench-events.js';
import { answerOnce } from '../child-entry.js';

export interface BareProducerRequest {
  /** Empty: an embedded bus in this process, as the gateway hosts one in its own. */
  brokers: string;
  topic: string;
  records: number;
  /** The gateway's `kafka.producer` pass-through, so L2 keeps the gateway's producer settings. */
  producer?: Record<string, string | number | boolean>;
  /** Where to append the gateway's statistics summary line per `statistics.interval.ms`, if set. */
  statisticsFile?: string;
}

/**
 * L2, in a process of its own: a bare node-rdkafka producer with the gateway's producer settings
 * (idempotent, acks=all, same linger, batch and compression), sending the gateway's records (same
 * value bytes, key and the same eight headers, with a numeric opaque per record and a Map of the
 * records awaiting their report, as the gateway's producer keeps) as fast as librdkafka's queue takes
 * them; timed to the last report.
 */
answerOnce<BareProducerRequest, { eventsPerSec: number; cpuSecondsPerMillion: number }>(async (req) => {
  let bus: EmbeddedBus | undefined;
  let bootstrap = req.brokers;
  if (!bootstrap) {
    bus = new EmbeddedBus();
    await bus.start();
    bootstrap = bus.bootstrap;
  }
  const producer = new Kafka.Producer(producerConfig(KafkaConfigSchema.parse({ producer: req.producer ?? {} }), bootstrap, 'bench-l2'));
  let lastStats: LibrdkafkaStatistics | undefined;
  producer.on('event.stats', (event: { message: string }) => {
    const stats = JSON.parse(event.message) as LibrdkafkaStatistics;
    if (req.statisticsFile) appendFileSync(req.statisticsFile, `${JSON.stringify({ time: Date.now(), librdkafka: summariseStatistics(stats, lastStats) })}\n`);
    lastStats = stats;
  });
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve())));
  producer.setPollInterval(5);
  // Like the gateway: a numeric opaque per record and a Map of the records awaiting their report.
  const awaiting = new Map<number, number>();
  let sent = 0;
  let failed: Kafka.LibrdKafkaError | undefined;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  producer.on('delivery-report', (err, report) => {
    if (err) failed ??= err;
    awaiting.delete(report.opaque as number);
    if (awaiting.size === 0 && sent === req.records) done();
  });
  const at = new Date().toISOString();
  const values = Array.from({ length: Math.min(req.records, 10_000) }, (_, i) => Buffer.from(benchEvent('l2', i, at)));
  const receivedAt = new Date().toISOString();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  while (sent < req.records) {
    const i = sent;
    // The headers the gateway's encoder gives a bench event (record-encoder.ts): same names, same values' sizes.
    const headers: Array<Record<string, string>> = [
      { 'event-id': `l2-${i}` }, { 'event-type': 'TradeConfirmed' }, { 'event-version': '1' },
      { 'correlation-id': `l2-${i}` }, { traceparent: TRACEPARENT },
      { 'gateway-id': 'bench-l2' }, { 'gateway-seq': String(i + 1) }, { 'received-at': receivedAt },
    ];
    try {
      producer.produce(req.topic, null, values[i % values.length]!, benchKey(i), Date.now(), i + 1, headers);
      awaiting.set(i + 1, i);
      sent++;
    } catch (err) {
      if ((err as Kafka.LibrdKafkaError).code !== Kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw err;
      await new Promise((r) => setTimeout(r, 1)); // librdkafka's queue is full: let reports drain it
    }
  }
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  // All of this process's threads (librdkafka's too), in us: the CPU one record costs at its fastest.
  const cpu = process.cpuUsage(cpu0);
  if (failed) throw new Error(`L2: a record was not delivered: ${failed.message}`);
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  await bus?.stop();
  return { eventsPerSec: Math.round(req.records / seconds), cpuSecondsPerMillion: Math.round(((cpu.user + cpu.system) / req.records) * 100) / 100 };
});
