import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Notifier } from '../../lifecycle/notifier.js';
import { DeliveryTracker } from '../../wal/delivery-tracker.js';
import type { Wal } from '../../wal/wal.js';
import type { EncoderPool } from './encoder-pool.js';
import type { Delivery, KafkaProducer, RecordReporter } from './kafka-producer.js';
import type { EncodedBatch } from './record-encoder.js';
import { RetryBackoff } from './retry-backoff.js';

export const ForwarderConfigSchema = z.strictObject({
  /** WAL rows read, encoded and produced together. */
  batchSize: z.number().int().positive().default(1000),
  /** Records handed to librdkafka and not yet confirmed, at most. The backlog stays in the WAL. */
  maxInFlightEvents: z.number().int().positive().max(100_000).default(20_000),
  /** How often confirmed deliveries are recorded in the WAL (one small transaction each time). */
  deliveryCommitIntervalMs: z.number().int().positive().default(50),
  /**
   * Worker threads encoding records; 0 encodes on the event loop. Inline is the default: encoding
   * costs ~1.5 us a record, less than handing the rows to a thread, and a thread adds ~50 MB RSS
   * (bench/README.md has the figures).
   */
  workerThreads: z.number().int().min(0).max(64).default(0),
  retry: z
    .strictObject({
      initialMs: z.number().int().positive().default(100),
      maxMs: z.number().int().positive().default(30_000),
    })
    .prefault({}),
  breaker: z
    .strictObject({
      /** A batch not confirmed within this time counts as a failure. */
      timeoutMs: z.number().int().positive().default(30_000),
      /** How long the breaker stays open before a half-open probe. */
      resetTimeoutMs: z.number().int().positive().default(5_000),
      errorThresholdPercentage: z.number().min(1).max(100).default(50),
      volumeThreshold: z.number().int().nonnegative().default(2),
    })
    .prefault({}),
  /** Partition and offset are remembered for this many recent deliveries (for GET /v1/events/{id}). */
  recentDeliveries: z.number().int().nonnegative().default(100_000),
});
export type ForwarderConfig = z.infer<typeof ForwarderConfigSchema>;

export interface ForwarderDeps {
  wal: Wal;
  producer: KafkaProducer;
  encoder: EncoderPool;
  log: Logger;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

const IDLE_POLL_MS = 1000;

/**
 * Moves events from the WAL to Kafka in seq order. A row is finished only by its delivery report.
 * Any record Kafka does not confirm stops the flow: once nothing is in flight, reading restarts at
 * the delivered cursor after a backoff, skipping what was confirmed meanwhile, so nothing is
 * dropped and nothing produced after a failure overtakes the failed record.
 */
export class Forwarder {
  private readonly tracker: DeliveryTracker;
  private readonly breaker: CircuitBreaker<[EncodedBatch], void>;
  private readonly wake = new Notifier();
  private readonly backoff: RetryBackoff;
  private readonly recent = new Map<number, { partition: number; offset: number }>();
  private readonly reporter: RecordReporter;
  private readPos: number;
  private persistedCursor: number;
  private mustSave = false;
  private rewind = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private lastErrorText: string | undefined;

  constructor(
    private readonly config: ForwarderConfig,
    private readonly deps: ForwarderDeps,
  ) {
    const saved = deps.wal.loadDelivery();
    this.tracker = new DeliveryTracker(saved.cursor, saved.ahead);
    this.persistedCursor = saved.cursor;
    this.readPos = this.tracker.cursor;
    this.backoff = new RetryBackoff(config.retry.initialMs, config.retry.maxMs);
    this.reporter = {
      delivered: (d) => this.delivered(d),
      failed: (seq, err) => {
        // The first failure of an episode is the one that matters; those behind it follow from it.
        if (!this.rewind) this.lastErrorText = `seq ${seq}: ${err.message}`;
        this.rewind = true;
        this.wake.notify();
      },
    };
    this.breaker = new CircuitBreaker((batch: EncodedBatch) => deps.producer.send(batch, this.reporter), {
      timeout: config.breaker.timeoutMs,
      resetTimeout: config.breaker.resetTimeoutMs,
      errorThresholdPercentage: config.breaker.errorThresholdPercentage,
      volumeThreshold: config.breaker.volumeThreshold,
    });
    this.breaker.on('open', () => deps.log.warn({ lastError: this.lastErrorText }, 'circuit breaker open: forwarding paused'));
    this.breaker.on('halfOpen', () => {
      deps.log.info('circuit breaker half-open: probing kafka');
      this.wake.notify();
    });
    this.breaker.on('close', () => {
      deps.log.info('circuit breaker closed: forwarding resumed');
      this.wake.notify();
    });
    deps.producer.onReady(() => this.wake.notify());
    deps.producer.onBusDown((err) => {
      this.lastErrorText = err.message;
      if (!this.breaker.opened) this.breaker.open();
    });
  }

  start(): void {
    this.timers.push(
      setInterval(() => this.saveDelivery(), this.config.deliveryCommitIntervalMs),
      setInterval(() => this.prune(), this.deps.wal.config.pruneIntervalMs),
    );
    this.loop = this.run().catch((err) => {
      this.deps.log.fatal({ err }, 'forwarder loop crashed');
      throw err;
    });
  }

  /** New rows are in the WAL. */
  notifyAppended(): void {
    this.wake.notify();
  }

  get breakerState(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Where an event stands: delivered or not, and where to, when this process still remembers. */
  deliveryOf(seq: number): { delivered: boolean; partition?: number; offset?: number } {
    if (!this.tracker.isDelivered(seq)) return { delivered: false };
    return { delivered: true, ...this.recent.get(seq) };
  }

  stats(): { pendingEvents: number; deliveredCursor: number; inFlight: number; oldestPendingAgeMs: number | null; lastError?: string } {
    const pendingEvents = this.deps.wal.lastSeq - this.tracker.cursor - this.tracker.aheadCount;
    const oldest = pendingEvents > 0 ? this.deps.wal.receivedAt(this.tracker.cursor + 1) : undefined;
    return {
      pendingEvents,
      deliveredCursor: this.tracker.cursor,
      inFlight: this.deps.producer.outstanding,
      oldestPendingAgeMs: oldest === undefined ? null : Math.max(0, Date.now() - oldest),
      ...(this.lastErrorText ? { lastError: this.lastErrorText } : {}),
    };
  }

  /** Stops reading, waits up to the deadline for in-flight records' reports, records delivery. */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    this.wake.notify();
    await this.loop;
    const left = () => deadline - Date.now();
    if (this.deps.producer.outstanding > 0 && left() > 0) await this.deps.producer.flush(left());
    while (this.deps.producer.outstanding > 0 && left() > 0) await this.wake.wait(Math.min(50, left()));
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.breaker.shutdown();
    this.saveDelivery();
    // Rows not yet handed over, or unconfirmed at the deadline, stay pending in the WAL for the next start.
    const s = this.stats();
    this.deps.log[s.inFlight > 0 ? 'warn' : 'info'](
      { deliveredCursor: s.deliveredCursor, pendingEvents: s.pendingEvents, unconfirmed: s.inFlight },
      'forwarder stopped',
    );
  }

  private async run(): Promise<void> {
    const { wal, producer, encoder, log } = this.deps;
    while (!this.stopping) {
      if (this.rewind) {
        if (producer.outstanding > 0) {
          await this.wake.wait(IDLE_POLL_MS);
          continue;
        }
        const delay = this.backoff.next();
        log.warn({ retryInMs: delay, attempt: this.backoff.attempts, lastError: this.lastErrorText }, 'kafka delivery failed: retrying from the delivered cursor');
        await this.sleepUnlessStopping(delay);
        this.readPos = this.tracker.cursor;
        this.rewind = false;
        continue;
      }
      const room = this.config.maxInFlightEvents - producer.outstanding;
      const probing = this.breaker.halfOpen;
      // Refill the in-flight window a whole batch at a time: topping it up as single reports
      // arrive turns every delivery report into a read, an encode and a produce of a few rows.
      const starved = room < this.refillAt && producer.outstanding > 0;
      if (!producer.ready || this.breaker.opened || room <= 0 || starved || (probing && producer.outstanding > 0)) {
        await this.wake.wait(IDLE_POLL_MS);
        continue;
      }
      const rows = wal.readAfter(this.readPos, Math.min(this.config.batchSize, room));
      if (rows.length === 0) {
        await this.wake.wait(IDLE_POLL_MS);
        continue;
      }
      this.readPos = rows[rows.length - 1]!.seq;
      // After a rewind, rows confirmed meanwhile are skipped rather than sent twice.
      const todo = rows.filter((r) => !this.tracker.isDelivered(r.seq));
      if (todo.length === 0) continue;
      const batch = await encoder.encode(todo);
      // A failure reported while encoding means this batch would overtake a failed record.
      if (this.rewind || this.stopping) {
        this.rewind = true;
        continue;
      }
      this.breaker.fire(batch).then(
        () => {
          this.backoff.reset();
          if (!this.rewind) this.lastErrorText = undefined; // health shows only a current problem
        },
        (err: Error) => {
          // Open breaker: the batch was never handed over. Timeout: it may still be delivered.
          // Either way reading restarts at the cursor once nothing is in flight.
          this.lastErrorText ??= err.message;
          this.rewind = true;
          this.wake.notify();
        },
      );
    }
  }

  /** Room in the in-flight window at which the loop reads the next batch. */
  private get refillAt(): number {
    return Math.min(this.config.batchSize, this.config.maxInFlightEvents);
  }

  private delivered(d: Delivery): void {
    this.tracker.complete(d.seq);
    if (this.config.recentDeliveries > 0) {
      this.recent.set(d.seq, { partition: d.partition, offset: d.offset });
      if (this.recent.size > this.config.recentDeliveries) {
        this.recent.delete(this.recent.keys().next().value!);
      }
    }
    // Wake the loop only when it has something to do: a batch's worth of room, or nothing in flight.
    const room = this.config.maxInFlightEvents - this.deps.producer.outstanding;
    if (room >= this.refillAt || this.deps.producer.outstanding === 0) this.wake.notify();
  }

  private saveDelivery(): void {
    if (!this.tracker.dirty && !this.mustSave) return;
    const snap = this.tracker.takeSnapshot();
    try {
      this.deps.wal.saveDelivery(snap.cursor, snap.ahead);
      this.persistedCursor = snap.cursor;
      this.mustSave = false;
    } catch (err) {
      this.mustSave = true; // events stay pending on disk; at worst they are sent again after a crash
      this.deps.log.error({ err }, 'could not record deliveries in the WAL');
    }
  }

  private prune(): void {
    try {
      const n = this.deps.wal.prune(this.persistedCursor);
      if (n > 0) this.deps.log.debug({ pruned: n }, 'pruned delivered events past retention');
    } catch (err) {
      this.deps.log.error({ err }, 'could not prune the WAL');
    }
  }

  private async sleepUnlessStopping(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) await this.wake.wait(until - Date.now());
  }
}
