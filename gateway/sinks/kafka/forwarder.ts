import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { z } from 'zod';
import type Kafka from 'node-rdkafka';
import { Notifier } from '../../lifecycle/notifier.js';
import type { DeadLetterStore } from '../../wal/dead-letter-store.js';
import { DeliveryTracker } from '../../wal/delivery-tracker.js';
import type { StoredEvent, Wal } from '../../wal/wal.js';
import type { EncoderPool } from './encoder-pool.js';
import { codeName, codeOf, dispositionOf } from './kafka-errors.js';
import type { Delivery, KafkaProducer, RecordReporter } from './kafka-producer.js';
import { ReconcileConfigSchema, type TailReader } from './partition-tail.js';
import { encodeDeadLetter, type EncodedBatch } from './record-encoder.js';
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
  /** Reading back what Kafka already has, at start-up and after failures (no duplicates). */
  reconcile: ReconcileConfigSchema.prefault({}),
  /** Dead letters are also copied to this topic when set (the dead-letter store stays the record). */
  deadLetterTopic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/).optional(),
});
export type ForwarderConfig = z.infer<typeof ForwarderConfigSchema>;

export interface ForwarderDeps {
  wal: Wal;
  producer: KafkaProducer;
  encoder: EncoderPool;
  /** Reads back this gateway's records from Kafka to find deliveries whose report was lost. */
  tail: TailReader;
  deadLetters: DeadLetterStore;
  /** Written into dead-letter copies, like the encoder does into records. */
  gatewayId: string;
  log: Logger;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

const IDLE_POLL_MS = 1000;

/**
 * Moves events from the WAL to Kafka in seq order. A row is finished only by its delivery report
 * (or, for an event Kafka refuses permanently, by its entry in the dead-letter store).
 * Any record Kafka does not confirm stops the flow: once nothing is in flight, what Kafka already
 * has is read back from the partitions (a report may be lost while the record was written), then
 * reading restarts at the delivered cursor after a backoff, skipping what was confirmed, so nothing
 * is dropped, nothing is sent twice, and nothing produced after a failure overtakes the failed record.
 * The same read-back runs at start-up, for deliveries confirmed just before a crash.
 */
export class Forwarder {
  private readonly tracker: DeliveryTracker;
  private readonly breaker: CircuitBreaker<[EncodedBatch], void>;
  private readonly wake = new Notifier();
  private readonly backoff: RetryBackoff;
  private readonly recent = new Map<number, { partition: number; offset: number }>();
  private readonly reporter: RecordReporter;
  /** Records refused with a batch-level error: each is sent again alone before it is judged. */
  private readonly suspects = new Map<number, Kafka.LibrdKafkaError>();
  /** The suspect currently travelling alone; nothing else is handed over meanwhile. */
  private isolating: number | undefined;
  private needsReconcile: boolean;
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
    this.needsReconcile = this.pendingCount() > 0;
    this.backoff = new RetryBackoff(config.retry.initialMs, config.retry.maxMs);
    this.reporter = {
      delivered: (d) => this.delivered(d),
      failed: (seq, err, local) => this.failed(seq, err, local),
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

  stats(): {
    pendingEvents: number;
    deliveredCursor: number;
    inFlight: number;
    oldestPendingAgeMs: number | null;
    reconciling: boolean;
    lastError?: string;
  } {
    const pendingEvents = this.pendingCount();
    const oldest = pendingEvents > 0 ? this.deps.wal.receivedAt(this.tracker.cursor + 1) : undefined;
    return {
      pendingEvents,
      deliveredCursor: this.tracker.cursor,
      inFlight: this.deps.producer.outstanding,
      oldestPendingAgeMs: oldest === undefined ? null : Math.max(0, Date.now() - oldest),
      reconciling: this.needsReconcile,
      ...(this.lastErrorText ? { lastError: this.lastErrorText } : {}),
    };
  }

  /** Stops reading, waits up to the deadline for in-flight records' reports, records delivery. */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    this.wake.notify();
    const left = () => deadline - Date.now();
    // The loop may be in a read-back from an unreachable Kafka: do not wait past the deadline.
    await Promise.race([this.loop, new Promise((resolve) => setTimeout(resolve, Math.max(0, left())).unref())]);
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

  /** Events in the WAL not yet finished (cheap: no query). */
  get pendingEvents(): number {
    return this.pendingCount();
  }

  private pendingCount(): number {
    return this.deps.wal.lastSeq - this.tracker.cursor - this.tracker.aheadCount;
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
        // A record reported failed may still have been written (e.g. a timeout while in flight).
        this.needsReconcile = true;
        continue;
      }
      if (!producer.ready) {
        await this.wake.wait(IDLE_POLL_MS);
        continue;
      }
      if (this.needsReconcile) {
        await this.reconcileOrWait();
        continue;
      }
      const room = this.config.maxInFlightEvents - producer.outstanding;
      const waitForQuiet = this.breaker.halfOpen || this.isolating !== undefined;
      // Refill the in-flight window a whole batch at a time: topping it up as single reports
      // arrive turns every delivery report into a read, an encode and a produce of a few rows.
      const starved = room < this.refillAt && producer.outstanding > 0;
      if (this.breaker.opened || room <= 0 || starved || (waitForQuiet && producer.outstanding > 0)) {
        await this.wake.wait(IDLE_POLL_MS);
        continue;
      }
      const rows = wal.readAfter(this.readPos, Math.min(this.config.batchSize, room));
      if (rows.length === 0) {
        await this.wake.wait(IDLE_POLL_MS);
        continue;
      }
      // After a rewind, rows confirmed meanwhile are skipped rather than sent twice.
      let todo = rows.filter((r) => !this.tracker.isDelivered(r.seq));
      const suspect = todo.findIndex((r) => this.suspects.has(r.seq));
      if (suspect === 0) {
        // Alone, so its batch-mates cannot be what the broker refuses. Wait until nothing is in flight.
        if (producer.outstanding > 0) {
          await this.wake.wait(IDLE_POLL_MS);
          continue;
        }
        todo = todo.slice(0, 1);
        this.isolating = todo[0]!.seq;
      } else if (suspect > 0) {
        todo = todo.slice(0, suspect);
      }
      this.readPos = todo.length > 0 ? todo[todo.length - 1]!.seq : rows[rows.length - 1]!.seq;
      if (todo.length === 0) continue;
      const batch = await encoder.encode(todo);
      // A failure reported while encoding means this batch would overtake a failed record.
      if (this.rewind || this.stopping) {
        this.rewind = true;
        this.isolating = undefined;
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
          if (producer.outstanding === 0) this.isolating = undefined;
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

  /**
   * Reads back this gateway's records from the partitions pending events go to, and finishes every
   * pending row Kafka already has (same seq and eventId). Runs with nothing in flight.
   */
  private async reconcileOrWait(): Promise<void> {
    const { wal, producer, tail, log } = this.deps;
    if (producer.outstanding > 0) {
      await this.wake.wait(IDLE_POLL_MS);
      return;
    }
    if (this.pendingCount() <= 0) {
      this.needsReconcile = false;
      return;
    }
    const started = Date.now();
    const topics = wal.topicsAfter(this.tracker.cursor);
    let found;
    try {
      found = await tail.read(topics);
    } catch (err) {
      const delay = this.backoff.next();
      this.lastErrorText = `reading back from kafka: ${(err as Error).message}`;
      log.warn({ err: (err as Error).message, retryInMs: delay }, 'cannot read back from kafka yet; nothing is sent until it succeeds');
      await this.sleepUnlessStopping(delay);
      return;
    }
    if (this.stopping) return; // stop() may have gone on without us: leave the WAL alone
    let recovered = 0;
    for (const r of found) {
      if (this.tracker.isDelivered(r.seq) || wal.eventIdAt(r.seq) !== r.eventId) continue;
      this.delivered({ seq: r.seq, topic: r.topic, partition: r.partition, offset: r.offset });
      recovered++;
    }
    this.needsReconcile = false;
    this.readPos = this.tracker.cursor;
    log.info(
      { topics: topics.map((t) => t.topic), ownRecordsRead: found.length, alreadyInKafka: recovered, pendingEvents: this.pendingCount(), ms: Date.now() - started },
      'reconciled the WAL with kafka',
    );
  }

  private delivered(d: Delivery): void {
    this.tracker.complete(d.seq);
    if (this.isolating === d.seq) this.isolating = undefined;
    this.suspects.delete(d.seq);
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

  /** Returns false when the failure was dealt with (dead letter), true when the record must be retried. */
  private failed(seq: number, err: Kafka.LibrdKafkaError, local: boolean): boolean {
    const disposition = dispositionOf(codeOf(err), local);
    const wasIsolated = this.isolating === seq;
    if (wasIsolated) this.isolating = undefined;
    if ((disposition === 'poison' || (disposition === 'suspect' && wasIsolated)) && this.deadLetter(seq, err)) {
      return false;
    }
    if (disposition === 'suspect') this.suspects.set(seq, err);
    // The first failure of an episode is the one that matters; those behind it follow from it.
    if (!this.rewind) {
      this.lastErrorText = `seq ${seq}: ${err.message}`;
      this.deps.log.warn({ seq, code: codeName(codeOf(err)), err: err.message, disposition }, 'kafka did not confirm a record: it stays pending');
    }
    this.rewind = true;
    this.wake.notify();
    return true;
  }

  /** Stores the event as a dead letter and finishes its row; false if it could not be stored. */
  private deadLetter(seq: number, err: Kafka.LibrdKafkaError): boolean {
    const { wal, deadLetters, log } = this.deps;
    const event = wal.readAfter(seq - 1, 1)[0];
    if (!event || event.seq !== seq) return false;
    const error = { code: codeName(codeOf(err)), message: err.message };
    try {
      deadLetters.add(event, error);
    } catch (e) {
      log.error({ err: e, seq }, 'could not store a dead letter; the event stays pending');
      return false;
    }
    this.suspects.delete(seq);
    this.tracker.complete(seq);
    log.error({ seq, eventId: event.eventId, topic: event.topic, error }, 'kafka refused the event permanently: moved to the dead-letter store');
    if (this.config.deadLetterTopic) this.copyToDeadLetterTopic(event, error, this.config.deadLetterTopic);
    this.wake.notify();
    return true;
  }

  /** Best effort: the store is the record of dead letters; the topic is a convenience for consumers. */
  private copyToDeadLetterTopic(event: StoredEvent, error: { code: string; message: string }, topic: string): void {
    const { producer, log } = this.deps;
    producer.send(encodeDeadLetter(event, error, topic, this.deps.gatewayId), {
      delivered: () => log.info({ seq: event.seq, topic }, 'dead letter copied to the dead-letter topic'),
      failed: (_seq, err) => {
        log.error({ seq: event.seq, topic, err: err.message }, 'could not copy a dead letter to the dead-letter topic (it stays in the store)');
        return false;
      },
    }).catch(() => {});
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
