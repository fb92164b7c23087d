import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type Kafka from 'node-rdkafka';
import { stopOnce, untilDeadline, type ComponentHealth, type StopOutcome } from '../../lifecycle/component.js';
import { Notifier } from '../../lifecycle/notifier.js';
import type { DeliveryLedger } from '../../wal/delivery-ledger.js';
import type { Wal } from '../../wal/wal.js';
import type { EncoderPool } from './encoder-pool.js';
import type { ForwarderConfig } from './forwarder-config.js';
import { codeName, codeOf, type DeliveryStatus, type Disposition } from './kafka-errors.js';
import type { Delivery, KafkaProducer, RecordReporter } from './kafka-producer.js';
import type { PoisonTriage } from './poison-triage.js';
import type { Reconciler } from './reconciler.js';
import { HandOver } from './hand-over.js';
import { RetryBackoff } from './retry-backoff.js';

export interface ForwarderDeps {
  wal: Pick<Wal, 'readAfter' | 'lastSeq'>;
  ledger: Pick<DeliveryLedger, 'cursor' | 'pendingEvents' | 'isFinished' | 'finish'>;
  producer: KafkaProducer;
  encoder: EncoderPool;
  reconciler: Pick<Reconciler, 'reconcile' | 'figures'>;
  triage: PoisonTriage;
  log: Logger;
  /** The loop crashed: the gateway must stop (nothing is forwarded any more). */
  onCrash: (err: Error) => void;
  /** Told of every delivery report (metrics); must be cheap. */
  observer?: { delivered(seq: number, topic: string): void; refused(code: string): void };
}

export type BreakerState = 'closed' | 'open' | 'half-open';

const IDLE_POLL_MS = 1000;

/**
 * Moves events from the WAL to Kafka in seq order, behind a circuit breaker, at most
 * `maxInFlightEvents` at a time. A row is finished only by its delivery report (or, for an event
 * Kafka refuses permanently, by poison triage). Any record Kafka does not confirm stops the flow:
 * once nothing is in flight, the reconciler reads back what Kafka already has, then reading
 * restarts at the delivered cursor after a backoff, skipping what was confirmed, so nothing is
 * dropped, nothing is sent twice, and nothing produced after a failure overtakes the failed record.
 * The same read-back runs at start-up, for deliveries confirmed just before a crash.
 */
export class Forwarder {
  readonly name = 'forwarder';
  private readonly breaker: CircuitBreaker<[HandOver], void>;
  private readonly wake = new Notifier();
  private readonly backoff: RetryBackoff;
  private readonly reporter: RecordReporter;
  private readonly transitions = { opened: 0, halfOpened: 0, closed: 0 };
  /** Times forwarding restarted from the delivered cursor after a failure. */
  private retries = 0;
  /** Records by the status their delivery report (or produce()) gave them. */
  private readonly outcomes: Record<DeliveryStatus, number> = { delivered: 0, retry: 0, poison: 0, suspect: 0 };
  private needsReconcile: boolean;
  private readPos: number;
  private rewind = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private lastErrorText: string | undefined;
  readonly stop: (deadline: number) => Promise<StopOutcome>;

  constructor(
    private readonly config: ForwarderConfig,
    private readonly deps: ForwarderDeps,
  ) {
    this.readPos = deps.ledger.cursor;
    this.needsReconcile = deps.ledger.pendingEvents > 0;
    this.backoff = new RetryBackoff(config.retry.initialMs, config.retry.maxMs);
    this.reporter = {
      delivered: (d) => this.delivered(d),
      refused: (seq, err, local) => this.refused(seq, err, local),
    };
    this.breaker = new CircuitBreaker((handOver: HandOver) => deps.producer.send(handOver.take(), this.reporter), {
      timeout: config.breaker.timeoutMs,
      resetTimeout: config.breaker.resetTimeoutMs,
      errorThresholdPercentage: config.breaker.errorThresholdPercentage,
      volumeThreshold: config.breaker.volumeThreshold,
    });
    this.breaker.on('open', () => {
      this.transitions.opened++;
      deps.log.warn({ lastError: this.lastErrorText }, 'circuit breaker open: forwarding paused');
    });
    this.breaker.on('halfOpen', () => {
      this.transitions.halfOpened++;
      deps.log.info('circuit breaker half-open: probing kafka');
      this.wake.notify();
    });
    this.breaker.on('close', () => {
      this.transitions.closed++;
      deps.log.info('circuit breaker closed: forwarding resumed');
      this.wake.notify();
    });
    deps.producer.onReady(() => this.wake.notify());
    deps.producer.onBusDown((err) => {
      this.lastErrorText = err.message;
      if (!this.breaker.opened) this.breaker.open();
    });
    this.stop = stopOnce((deadline) => this.drain(deadline), (err) => deps.log.error({ err }, 'forwarder failed to stop'));
  }

  start(): void {
    this.loop = this.run().catch((err: Error) => {
      if (this.stopping) return this.deps.log.error({ err }, 'forwarder loop failed while stopping');
      this.deps.log.fatal({ err }, 'forwarder loop crashed');
      this.deps.onCrash(err);
    });
  }

  /** New rows are in the WAL. */
  notifyAppended(): void {
    this.wake.notify();
  }

  get breakerState(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  health(): ComponentHealth {
    return {
      breaker: { state: this.breakerState, ...this.transitions },
      inFlight: this.deps.producer.outstanding,
      reconciling: this.needsReconcile,
      retries: this.retries,
      outcomes: { ...this.outcomes },
      ...this.deps.reconciler.figures(),
      ...this.deps.triage.figures(),
      ...(this.lastErrorText ? { lastError: this.lastErrorText } : {}),
    };
  }

  /** Stops reading, waits up to the deadline for in-flight records' reports. What is left stays pending in the WAL. */
  private async drain(deadline: number): Promise<StopOutcome> {
    const { producer, ledger, log } = this.deps;
    this.stopping = true;
    this.wake.notify();
    const left = () => deadline - Date.now();
    // The loop may be in a read-back from an unreachable Kafka: do not wait past the deadline.
    const loopEnded = await Promise.race([this.loop?.then(() => true), untilDeadline(deadline).then(() => false)]);
    if (producer.outstanding > 0 && left() > 0) await producer.flush(left());
    while (producer.outstanding > 0 && left() > 0) await this.wake.wait(Math.min(50, left()));
    this.breaker.shutdown();
    const unconfirmed = producer.outstanding;
    const outcome: StopOutcome = loopEnded !== false && unconfirmed === 0 ? 'clean' : 'forced';
    log[outcome === 'clean' ? 'info' : 'warn'](
      { component: this.name, stop: outcome, deliveredCursor: ledger.cursor, pendingEvents: ledger.pendingEvents, unconfirmed },
      'forwarder stopped',
    );
    return outcome;
  }

  private async run(): Promise<void> {
    const { producer, ledger, triage, log } = this.deps;
    while (!this.stopping) {
      if (this.rewind) {
        if (producer.outstanding > 0) {
          await this.wake.wait(IDLE_POLL_MS);
          continue;
        }
        const delay = this.backoff.next();
        this.retries++;
        log.warn({ retryInMs: delay, attempt: this.backoff.attempts, lastError: this.lastErrorText }, 'kafka delivery failed: retrying from the delivered cursor');
        await this.sleepUnlessStopping(delay);
        this.readPos = ledger.cursor;
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
      const waitForQuiet = this.breaker.halfOpen || triage.isolating !== undefined;
      // Refill the in-flight window a whole batch at a time: topping it up as single reports
      // arrive turns every delivery report into a read, an encode and a produce of a few rows.
      const starved = room < this.refillAt && producer.outstanding > 0;
      if (this.breaker.opened || room <= 0 || starved || (waitForQuiet && producer.outstanding > 0)) {
        await this.wake.wait(IDLE_POLL_MS);
        continue;
      }
      const next = await this.forwardBatch(Math.min(this.config.batchSize, room));
      if (next === 'idle') await this.wake.wait(IDLE_POLL_MS);
      if (next !== 'sent') continue;
      // Let I/O in between batches: the inline encode resolves as a microtask (refills held requests ~300 ms).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Reads, encodes and hands over the next batch of at most `limit` rows. A frame of its own: locals
   * of `run()` live while it waits for room, long enough for the GC to promote a whole batch.
   */
  private async forwardBatch(limit: number): Promise<'sent' | 'again' | 'idle'> {
    const { wal, producer, encoder, ledger, triage } = this.deps;
    const rows = wal.readAfter(this.readPos, limit);
    if (rows.length === 0) return 'idle';
    // After a rewind, rows confirmed meanwhile are skipped rather than sent twice.
    let todo = rows.filter((r) => !ledger.isFinished(r.seq));
    const suspect = todo.findIndex((r) => triage.isSuspect(r.seq));
    if (suspect === 0) {
      // Alone, so its batch-mates cannot be what the broker refuses. Wait until nothing is in flight.
      if (producer.outstanding > 0) return 'idle';
      todo = todo.slice(0, 1);
      triage.isolate(todo[0]!.seq);
    } else if (suspect > 0) {
      todo = todo.slice(0, suspect);
    }
    this.readPos = todo.length > 0 ? todo[todo.length - 1]!.seq : rows[rows.length - 1]!.seq;
    if (todo.length === 0) return 'again';
    const batch = await encoder.encode(todo);
    // A failure reported while encoding means this batch would overtake a failed record.
    if (this.rewind || this.stopping) {
      this.rewind = true;
      triage.endIsolation();
      return 'again';
    }
    this.breaker.fire(new HandOver(batch)).then(
      () => {
        this.backoff.reset();
        if (!this.rewind) this.lastErrorText = undefined; // health shows only a current problem
      },
      (err: Error) => {
        // Open breaker: the batch was never handed over. Timeout: it may still be delivered.
        // Either way reading restarts at the cursor once nothing is in flight.
        this.lastErrorText ??= err.message;
        if (producer.outstanding === 0) triage.endIsolation();
        this.rewind = true;
        this.wake.notify();
      },
    );
    return 'sent';
  }

  /** Room in the in-flight window at which the loop reads the next batch. */
  private get refillAt(): number {
    return Math.min(this.config.batchSize, this.config.maxInFlightEvents);
  }

  /** Runs the read-back once nothing is in flight; nothing is sent until it succeeds. */
  private async reconcileOrWait(): Promise<void> {
    const { producer, ledger, reconciler, log } = this.deps;
    if (producer.outstanding > 0) {
      await this.wake.wait(IDLE_POLL_MS);
      return;
    }
    if (ledger.pendingEvents <= 0) {
      this.needsReconcile = false;
      return;
    }
    try {
      await reconciler.reconcile(() => !this.stopping);
    } catch (err) {
      if (this.stopping) return; // cancelled by stop(): the next start reads back again
      const delay = this.backoff.next();
      this.lastErrorText = `reading back from kafka: ${(err as Error).message}`;
      log.warn({ err: (err as Error).message, retryInMs: delay }, 'cannot read back from kafka yet; nothing is sent until it succeeds');
      await this.sleepUnlessStopping(delay);
      return;
    }
    this.needsReconcile = false;
    this.readPos = ledger.cursor;
  }

  private delivered(d: Delivery): void {
    this.outcomes.delivered++;
    this.deps.observer?.delivered(d.seq, d.topic);
    this.deps.ledger.finish(d.seq, { partition: d.partition, offset: d.offset }, d.valueBytes); // the value is the body: no read
    this.deps.triage.delivered(d.seq);
    // Wake the loop only when it has something to do: a batch's worth of room, or nothing in flight.
    const outstanding = this.deps.producer.outstanding;
    if (this.config.maxInFlightEvents - outstanding >= this.refillAt || outstanding === 0) this.wake.notify();
  }

  private refused(seq: number, err: Kafka.LibrdKafkaError, local: boolean): Disposition {
    const status = this.deps.triage.refused(seq, err, local);
    this.outcomes[status]++;
    this.deps.observer?.refused(codeName(codeOf(err)));
    if (status === 'poison') return status;
    // The first failure of an episode is the one that matters; those behind it follow from it.
    if (!this.rewind) {
      this.lastErrorText = `seq ${seq}: ${err.message}`;
      this.deps.log.warn({ seq, code: codeName(codeOf(err)), err: err.message, status }, 'kafka did not confirm a record: it stays pending');
    }
    this.rewind = true;
    this.wake.notify();
    return status;
  }

  private async sleepUnlessStopping(ms: number): Promise<void> {
    for (const until = Date.now() + ms; !this.stopping && Date.now() < until; ) await this.wake.wait(until - Date.now());
  }
}
