import Kafka from 'node-rdkafka';
import type { OwnRecord, ReconcileConfig, TailReader } from './reconciler.js';

type Client = Kafka.KafkaConsumer;

const CONNECT_TIMEOUT_MS = 3000;

/**
 * Reads back the tails of partitions with a short-lived consumer (assigned partitions, no group
 * membership, nothing committed). Where to start is found by timestamp (`offsetsForTimes`), so only
 * records produced since the oldest pending event are read, capped per partition.
 */
export class PartitionTailReader implements TailReader {
  constructor(
    private readonly config: ReconcileConfig,
    private readonly deps: {
      bootstrap: string;
      gatewayId: string;
      clientConfig: Record<string, unknown>;
      /** False for the embedded bus: librdkafka's mock cluster does not look offsets up by time. */
      timeIndex: boolean;
    },
  ) {}

  async read(topics: ReadonlyArray<{ topic: string; since: number }>, cancelled: () => boolean = () => false): Promise<OwnRecord[]> {
    if (topics.length === 0) return [];
    const deadline = Date.now() + this.config.timeoutMs;
    const consumer = new Kafka.KafkaConsumer(
      {
        ...(this.deps.clientConfig as Kafka.ConsumerGlobalConfig),
        'bootstrap.servers': this.deps.bootstrap,
        'group.id': `edge-gateway-${this.deps.gatewayId}-reconcile`,
        'client.id': `edge-gateway-${this.deps.gatewayId}-reconcile`,
        'enable.auto.commit': false,
        'enable.partition.eof': true,
        'fetch.wait.max.ms': 50,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    // A short connect: a pending attempt holds up the process's exit (librdkafka's teardown waits).
    await call<Kafka.Metadata>((cb) => consumer.connect({ timeout: Math.min(CONNECT_TIMEOUT_MS, left(deadline)) }, cb));
    try {
      const ends = new Map<string, number>();
      const assignments: Kafka.Assignment[] = [];
      for (const { topic, since } of topics) {
        for (const partition of await partitionsOf(consumer, topic, deadline)) {
          const marks = await call<Kafka.WatermarkOffsets>((cb) =>
            consumer.queryWatermarkOffsets(topic, partition, left(deadline), cb),
          );
          if (marks.highOffset <= marks.lowOffset) continue;
          let fromTime = marks.lowOffset;
          if (this.deps.timeIndex) {
            const [byTime] = await call<Kafka.TopicPartitionOffset[]>((cb) =>
              consumer.offsetsForTimes([{ topic, partition, offset: since - this.config.clockSkewMs }], left(deadline), cb),
            );
            // -1: no record at or after that time, so none of ours either.
            fromTime = byTime && byTime.offset >= 0 ? byTime.offset : marks.highOffset;
          }
          const start = Math.max(marks.lowOffset, fromTime, marks.highOffset - this.config.maxRecordsPerPartition);
          if (start >= marks.highOffset) continue;
          assignments.push({ topic, partition, offset: start });
          ends.set(`${topic}/${partition}`, marks.highOffset);
        }
      }
      if (assignments.length === 0) return [];
      const found: OwnRecord[] = [];
      consumer.on('partition.eof', (eof) => {
        if (eof.offset >= (ends.get(`${eof.topic}/${eof.partition}`) ?? 0)) ends.delete(`${eof.topic}/${eof.partition}`);
      });
      consumer.assign(assignments);
      while (ends.size > 0) {
        if (Date.now() > deadline) throw new Error(`reading back partition tails took longer than ${this.config.timeoutMs} ms`);
        // Checked between fetches (each returns within the consumer's 1 s consume timeout), so a
        // stopping gateway does not exit with this consumer still connected.
        if (cancelled()) throw new Error('reading back was cancelled: the gateway is stopping');
        const batch = await call<Kafka.Message[]>((cb) => consumer.consume(5000, cb));
        for (const m of batch) {
          const key = `${m.topic}/${m.partition}`;
          const end = ends.get(key);
          if (end !== undefined && m.offset >= end - 1) ends.delete(key);
          const own = ownRecord(m, this.deps.gatewayId);
          if (own) found.push(own);
        }
      }
      return found;
    } finally {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    }
  }
}

/** Pure: the gateway-* headers of a record, when this gateway wrote it. */
export function ownRecord(m: Pick<Kafka.Message, 'headers' | 'topic' | 'partition' | 'offset'>, gatewayId: string): OwnRecord | undefined {
  let id: string | undefined;
  let seq: string | undefined;
  let eventId: string | undefined;
  for (const h of m.headers ?? []) {
    for (const k in h) {
      if (k === 'gateway-id') id = h[k]!.toString();
      else if (k === 'gateway-seq') seq = h[k]!.toString();
      else if (k === 'event-id') eventId = h[k]!.toString();
    }
  }
  if (id !== gatewayId || seq === undefined || eventId === undefined) return undefined;
  return { seq: Number(seq), topic: m.topic, eventId, partition: m.partition, offset: m.offset };
}

async function partitionsOf(consumer: Client, topic: string, deadline: number): Promise<number[]> {
  const md = await call<Kafka.Metadata>((cb) => consumer.getMetadata({ topic, timeout: left(deadline) }, cb));
  // A topic that does not exist (yet) holds nothing of ours.
  return md.topics.find((t) => t.name === topic)?.partitions.map((p) => p.id) ?? [];
}

function left(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}

function call<T>(fn: (cb: (err: Kafka.LibrdKafkaError | null | undefined | Error, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}
