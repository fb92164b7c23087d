import Kafka from 'node-rdkafka';
import { occurredAtOf } from './bench-events.js';
import { Samples } from './percentiles.js';

/**
 * Confirms delivery from Kafka's side: a consumer reading one topic from the beginning counts
 * records and, for each, the end-to-end latency from the sender's `occurredAt` to its arrival here.
 * It starts before the topic exists and assigns its partitions once they appear.
 */
export class DeliveryWatch {
  count = 0;
  /** Epoch ms when the latest record arrived. */
  lastAt = 0;
  readonly e2e = new Samples();
  private readonly consumer: Kafka.KafkaConsumer;
  private assigned = false;
  private closed = false;

  private constructor(
    bootstrap: string,
    private readonly topic: string,
  ) {
    this.consumer = new Kafka.KafkaConsumer(
      {
        'bootstrap.servers': bootstrap,
        'group.id': `bench-${process.pid}-${topic}`,
        'enable.auto.commit': false,
        // Small fetch waits: latency is what is being measured, not the consumer's efficiency.
        'fetch.wait.max.ms': 10,
        'log_level': 0,
      },
      { 'auto.offset.reset': 'earliest' },
    );
  }

  static async start(bootstrap: string, topic: string): Promise<DeliveryWatch> {
    const w = new DeliveryWatch(bootstrap, topic);
    await new Promise<void>((resolve, reject) => w.consumer.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve())));
    w.consumer.setDefaultConsumeTimeout(100);
    w.consumer.setDefaultConsumeLoopTimeoutDelay(0);
    w.consumer.on('data', (m) => {
      const now = Date.now();
      w.count++;
      w.lastAt = now;
      if (m.value) w.e2e.push(now - occurredAtOf(m.value));
    });
    void w.assignWhenCreated();
    return w;
  }

  /** Resolves once `n` records arrived; rejects after `timeoutMs` without progress. */
  async waitFor(n: number, timeoutMs = 120_000): Promise<void> {
    let last = this.count;
    let since = Date.now();
    while (this.count < n) {
      if (this.count !== last) {
        last = this.count;
        since = Date.now();
      } else if (Date.now() - since > timeoutMs) {
        throw new Error(`delivery stalled: ${this.count} of ${n} records arrived in topic ${this.topic}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()));
  }

  private async assignWhenCreated(): Promise<void> {
    while (!this.closed && !this.assigned) {
      const partitions = await new Promise<number[]>((resolve) =>
        this.consumer.getMetadata({ topic: this.topic, timeout: 2_000 }, (err, md) =>
          resolve(err ? [] : (md.topics.find((t) => t.name === this.topic)?.partitions.map((p) => p.id) ?? [])),
        ),
      );
      if (partitions.length > 0 && !this.closed) {
        this.consumer.assign(partitions.map((partition) => ({ topic: this.topic, partition, offset: 0 })));
        this.consumer.consume();
        this.assigned = true;
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
