import Kafka from 'node-rdkafka';
import type { Logger } from 'pino';
import { stopOnce, untilDeadline, type ComponentHealth, type StopOutcome } from '../../lifecycle/component.js';
import { codeOf, dispositionOf, type Disposition } from './kafka-errors.js';
import { summariseStatistics, type LibrdkafkaStatistics } from './producer-statistics.js';
import { valueOf, type EncodedBatch } from './record-encoder.js';
import { RetryBackoff } from './retry-backoff.js';

export interface Delivery {
  seq: number;
  topic: string;
  partition: number;
  offset: number;
  /** The record value's size in bytes as librdkafka reports it: the stored body's UTF-8 bytes. */
  valueBytes: number;
}

/** Told the fate of each record of a batch, exactly once per record. */
export interface RecordReporter {
  delivered(d: Delivery): void;
  /**
   * Kafka did not confirm the record (error or message timeout). `local`: produce() refused it, so
   * it never left the process. Returns what became of it: `poison` when the reporter finished it
   * (a dead letter) and the batch may still succeed; `suspect` or `retry` fail the batch.
   */
  refused(seq: number, err: Kafka.LibrdKafkaError, local: boolean): Disposition;
}

const CONNECT_ATTEMPT_MS = 3000;

interface BatchState {
  reporter: RecordReporter;
  remaining: number;
  error: Kafka.LibrdKafkaError | undefined;
  settle: (err?: Error) => void;
}

/**
 * Thin shell around node-rdkafka's idempotent producer. Every record handed over gets exactly one
 * call, `delivered` or `refused`, on its batch's reporter; `outstanding` counts records handed to
 * librdkafka whose report has not arrived.
 */
export class KafkaProducer {
  readonly name = 'kafka';
  private readonly producer: Kafka.Producer;
  /** seq -> the batch of each record awaiting its delivery report. */
  private readonly awaiting = new Map<number, BatchState>();
  private connectedFlag = false;
  /** Epoch ms of the last change of `connectedFlag` (start-up counts as a change to not connected). */
  private connectedChangedAt = Date.now();
  private readyFlag = false;
  private stopped = false;
  private readyListeners: Array<() => void> = [];
  private busDownListeners: Array<(err: Kafka.LibrdKafkaError) => void> = [];
  private fatalListeners: Array<(err: Kafka.LibrdKafkaError) => void> = [];
  private fatalSeen = false;
  private lastError: { message: string; at: number } | undefined;
  /** librdkafka's last error-level log line (why a connection failed, e.g. SASL authentication). */
  private lastFailure: { message: string; at: number } | undefined;
  /** The connect loop; settles once connected, or once it let go after stop(). */
  private connecting: Promise<void> | undefined;
  /** Ends the connect loop's backoff sleep early (on stop). */
  private endBackoff: (() => void) | undefined;

  constructor(
    config: Kafka.ProducerGlobalConfig,
    private readonly deps: {
      log: Logger;
      /** How the bus is reached, for health: `embedded` is the in-memory dev bus. */
      bus: { kind: 'embedded' | 'external'; bootstrap: string; warning?: string };
    },
  ) {
    this.producer = new Kafka.Producer(config);
    this.producer.on('delivery-report', (err, report) => this.onReport(err, report));
    this.producer.on('event.log', (line: { severity: number; fac: string; message: string }) => {
      // Severity 3 and below (syslog: error, critical, ...): why a broker connection failed.
      if (line.severity > 3) return;
      this.lastFailure = { message: line.message.replace(/^\[thrd:[^\]]*\]: /, ''), at: Date.now() };
      deps.log.warn({ librdkafka: line.fac, reason: this.lastFailure.message }, 'kafka connection failed');
    });
    // Only emitted when `statistics.interval.ms` is set in kafka.producer (librdkafka's default: off).
    let lastStats: LibrdkafkaStatistics | undefined;
    this.producer.on('event.stats', (event: { message: string }) => {
      const stats = JSON.parse(event.message) as LibrdkafkaStatistics;
      deps.log.info({ librdkafka: summariseStatistics(stats, lastStats) }, 'kafka producer statistics (latencies in us)');
      lastStats = stats;
    });
    this.producer.on('event.error', (err) => {
      // node-rdkafka reports client errors with code -1; the message is what identifies them.
      if (err.code === Kafka.CODES.ERRORS.ERR__ALL_BROKERS_DOWN || /all broker connections are down/i.test(err.message)) {
        this.setConnected(false);
        for (const l of this.busDownListeners) l(err);
      }
      this.lastError = { message: err.message, at: Date.now() };
      deps.log.warn({ err: { code: err.code, message: err.message } }, 'kafka client error');
    });
  }

  /** Called when librdkafka reports every broker unreachable. */
  onBusDown(listener: (err: Kafka.LibrdKafkaError) => void): void {
    this.busDownListeners.push(listener);
  }

  /**
   * Called once if librdkafka reports a fatal error (an idempotent producer that lost its sequence
   * state): this producer will never deliver again. The process should restart; the WAL and the
   * read-back at start-up make that safe.
   */
  onFatal(listener: (err: Kafka.LibrdKafkaError) => void): void {
    this.fatalListeners.push(listener);
  }

  get outstanding(): number {
    return this.awaiting.size;
  }

  /** True once connected; the forwarder hands over nothing before. */
  get ready(): boolean {
    return this.readyFlag;
  }

  /** Called once the first connection succeeds. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /**
   * Connects in the background, retrying until it succeeds or `stop()`: the gateway keeps taking
   * events into the WAL while Kafka is unreachable, also at start-up.
   */
  start(): void {
    this.connecting = this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    const backoff = new RetryBackoff(500, 10_000);
    while (!this.stopped) {
      try {
        // Short attempts: a pending attempt holds up the process's exit (librdkafka's teardown waits for it).
        await new Promise<void>((resolve, reject) =>
          this.producer.connect({ timeout: CONNECT_ATTEMPT_MS }, (err) => (err ? reject(err) : resolve())),
        );
      } catch (err) {
        if (this.stopped) return;
        const delay = backoff.next();
        const why = this.lastFailure && Date.now() - this.lastFailure.at < 2 * CONNECT_ATTEMPT_MS ? ` (${this.lastFailure.message})` : '';
        this.lastError = { message: `connect: ${(err as Error).message}${why}`, at: Date.now() };
        this.deps.log.warn({ err: (err as Error).message, retryInMs: delay }, 'cannot reach kafka yet; events are kept in the WAL');
        await new Promise<void>((resolve) => {
          this.endBackoff = resolve;
          setTimeout(resolve, delay).unref();
        });
        continue;
      }
      if (this.stopped) {
        // Connected after stop() began: let go of the client before the process exits.
        await new Promise<void>((resolve) => this.producer.disconnect(0, () => resolve()));
        return;
      }
      this.producer.setPollInterval(5);
      this.readyFlag = true;
      this.setConnected(true);
      this.lastError = undefined;
      this.deps.log.info('connected to kafka');
      for (const l of this.readyListeners) l();
      return;
    }
  }

  /**
   * Hands a batch to librdkafka in order. Resolves when every record is confirmed; rejects when
   * any is not (the records' own callbacks have run by then either way).
   */
  send(batch: EncodedBatch, reporter: RecordReporter): Promise<void> {
    let settle: (err?: Error) => void = () => {};
    const settled = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    const state: BatchState = { reporter, remaining: batch.records.length, error: undefined, settle };
    try {
      if (state.remaining === 0) settle();
      else this.produceAll(batch, state);
    } catch (err) {
      settle(err as Error); // the caller's promise, not a throw past it
    }
    return settled;
  }

  /** Outside the promise's executor: a closure there kept `batch` and its rows alive until its last report (bench/README.md). */
  private produceAll(batch: EncodedBatch, state: BatchState): void {
    for (let i = 0; i < batch.records.length; i++) {
      const r = batch.records[i]!;
      this.awaiting.set(r.seq, state); // before produce(): its report must find the batch
      try {
        this.producer.produce(r.topic, null, valueOf(batch, i), r.key, r.timestamp, r.seq, r.headers);
      } catch (e) {
        const err = e as Kafka.LibrdKafkaError;
        this.checkFatal(err);
        // A record librdkafka can never take (too large, bad topic) fails alone; the rest go on.
        if (dispositionOf(codeOf(err), true) === 'poison') {
          this.onReport(err, { opaque: r.seq } as Kafka.DeliveryReport, true);
          continue;
        }
        // Not handed over for now (e.g. local queue full): fail it and the rest of the batch.
        for (let j = i; j < batch.records.length; j++) {
          this.awaiting.set(batch.records[j]!.seq, state);
          this.onReport(err, { opaque: batch.records[j]!.seq } as Kafka.DeliveryReport, true);
        }
        return;
      }
    }
  }

  /**
   * Asks the cluster for `topic`'s metadata now. librdkafka remembers a topic it was told does not
   * exist until its periodic refresh (minutes); re-driving after the topic was created needs this.
   */
  refreshTopic(topic: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve) => this.producer.getMetadata({ topic, timeout: timeoutMs }, () => resolve()));
  }

  /** Waits up to `timeoutMs` for librdkafka to deliver or fail everything it holds. */
  flush(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => this.producer.flush(timeoutMs, () => resolve()));
  }

  /**
   * Disconnects (the forwarder has flushed what it could before); librdkafka's own flush inside the
   * disconnect is bounded by the deadline (epoch ms), not node-rdkafka's default 5 s.
   */
  readonly stop: (deadline: number) => Promise<StopOutcome> = stopOnce(
    (deadline) => this.disconnect(deadline),
    (err) => this.deps.log.error({ err }, 'kafka producer failed to stop'),
  );

  private async disconnect(deadline: number): Promise<StopOutcome> {
    this.stopped = true;
    if (!this.readyFlag) {
      // Still connecting (Kafka unreachable): nothing to flush. Wait for the attempt in progress
      // (at most CONNECT_ATTEMPT_MS) so no librdkafka client outlives the stop.
      this.endBackoff?.();
      const cut = await Promise.race([this.connecting?.then(() => false), untilDeadline(deadline)]);
      return cut ? 'forced' : 'clean';
    }
    if (!this.producer.isConnected()) return 'clean';
    // Stop the poll timer first: node-rdkafka's native poll() takes no lock, and a tick while
    // disconnect() destroys the client on a libuv thread reads freed memory (SIGSEGV at shutdown:
    // the unexplained exit by a signal). The flush inside disconnect() still serves the last reports.
    this.producer.setPollInterval(0);
    const unconfirmed = this.awaiting.size;
    await new Promise<void>((resolve) => this.producer.disconnect(Math.max(0, deadline - Date.now()), () => resolve()));
    this.setConnected(false);
    return unconfirmed === 0 ? 'clean' : 'forced';
  }

  health(): ComponentHealth {
    const { bus } = this.deps;
    const since = new Date(this.connectedChangedAt).toISOString();
    return {
      bus: bus.kind,
      bootstrap: bus.bootstrap,
      connected: this.connectedFlag,
      ...(this.connectedFlag ? { connectedSince: since } : { disconnectedSince: since }),
      // Not a reason to be unready (the WAL takes the events), but what an operator asks first.
      ...(this.connectedFlag ? {} : { problem: `not connected to kafka (${bus.bootstrap}) since ${since}${this.lastError ? `: ${this.lastError.message}` : ''}` }),
      ...(this.lastError ? { lastError: this.lastError.message, lastErrorAt: new Date(this.lastError.at).toISOString() } : {}),
      ...(this.lastFailure ? { lastConnectionFailure: this.lastFailure.message, lastConnectionFailureAt: new Date(this.lastFailure.at).toISOString() } : {}),
      ...(bus.warning ? { warning: bus.warning } : {}),
    };
  }

  private setConnected(connected: boolean): void {
    if (connected !== this.connectedFlag) this.connectedChangedAt = Date.now();
    this.connectedFlag = connected;
  }

  private checkFatal(err: Kafka.LibrdKafkaError): void {
    if (this.fatalSeen || codeOf(err) !== Kafka.CODES.ERRORS.ERR__FATAL) return;
    this.fatalSeen = true;
    for (const l of this.fatalListeners) l(err);
  }

  private onReport(err: Kafka.LibrdKafkaError | null | undefined, report: Kafka.DeliveryReport, local = false): void {
    const seq = report.opaque as number;
    const state = this.awaiting.get(seq);
    if (!state) return;
    this.awaiting.delete(seq);
    if (err) {
      this.checkFatal(err);
      if (state.reporter.refused(seq, err, local) !== 'poison') state.error ??= err;
    } else {
      this.setConnected(true);
      state.reporter.delivered({ seq, topic: report.topic, partition: report.partition, offset: report.offset, valueBytes: report.size });
    }
    if (--state.remaining === 0) {
      state.settle(state.error ? new Error(`kafka delivery failed: ${state.error.message}`) : undefined);
    }
  }
}
