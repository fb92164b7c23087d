import type { Logger } from 'pino';
import { z } from 'zod';
import { stopOnce, type ComponentHealth, type StopOutcome } from '../lifecycle/component.js';
import { DeliveryTracker } from './delivery-tracker.js';
import { RecentDeliveries } from './recent-deliveries.js';
import type { Wal } from './wal.js';

export const DeliveryLedgerConfigSchema = z.strictObject({
  /** How often confirmed deliveries are recorded in the WAL, in ms (one small transaction each time). */
  commitIntervalMs: z.number().int().positive().default(50),
  /** Partition and offset are remembered for this many recent deliveries (GET /v1/events/{id}); 0: none. */
  recentDeliveries: z.number().int().nonnegative().default(100_000),
});
export type DeliveryLedgerConfig = z.infer<typeof DeliveryLedgerConfigSchema>;

/**
 * Where an event stands, for GET /v1/events/{id}: `accepted` (durable in the WAL, not yet confirmed
 * by Kafka), `forwarded` (Kafka confirmed it: partition and offset while remembered), or
 * `dead_lettered` (Kafka refused it for good: `error` is librdkafka's, e.g. ERR_MSG_SIZE_TOO_LARGE).
 */
export interface EventStatus {
  status: 'accepted' | 'forwarded' | 'dead_lettered';
  seq: number;
  topic: string;
  partition?: number;
  offset?: number;
  /** ISO 8601, UTC. */
  receivedAt: string;
  /** For `dead_lettered`: the error Kafka gave and when (ISO 8601, UTC). */
  error?: { code: string; message: string };
  failedAt?: string;
  /** For `dead_lettered`: the seq it was re-driven as, if it was. */
  redrivenSeq?: number;
}

/**
 * Which WAL rows are finished (confirmed by Kafka, or dead-lettered): the in-memory tracker, the
 * cursor persisted from it every `commitIntervalMs`, and the partition/offset of recent
 * deliveries. Pending = the log's rows not finished. A crash loses at most the last interval's
 * records of delivery; the read-back at start-up finds those in Kafka.
 */
export class DeliveryLedger {
  readonly name = 'delivery';
  private readonly tracker: DeliveryTracker;
  private readonly recent: RecentDeliveries;
  private savedCursor: number;
  /** Unfinished rows' body bytes at start-up less the WAL's appended count then: pending = this + appended - finished. */
  private readonly bytesBase: number;
  private finishedBytes = 0;
  private mustSave = false;
  private saveFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  readonly stop: (deadline: number) => Promise<StopOutcome>;

  constructor(
    private readonly config: DeliveryLedgerConfig,
    private readonly deps: { wal: Pick<Wal, 'loadDelivery' | 'saveDelivery' | 'lastSeq' | 'bodyBytes' | 'receivedAt' | 'findEvent' | 'deadLetters'>; log: Logger },
  ) {
    const saved = deps.wal.loadDelivery();
    this.tracker = new DeliveryTracker(saved.cursor, saved.ahead);
    this.recent = new RecentDeliveries(config.recentDeliveries);
    this.savedCursor = saved.cursor;
    this.bytesBase = deps.wal.bodyBytes.unfinished(saved.cursor, saved.ahead) - deps.wal.bodyBytes.appended;
    this.stop = stopOnce(
      () => {
        clearInterval(this.timer);
        return this.save() ? 'clean' : 'forced';
      },
      (err) => deps.log.error({ err }, 'delivery ledger failed to stop'),
    );
  }

  start(): void {
    this.timer = setInterval(() => this.save(), this.config.commitIntervalMs);
  }

  /** Every seq <= cursor is finished. */
  get cursor(): number {
    return this.tracker.cursor;
  }

  /** The cursor as recorded on disk: what a crash now would come back to (retention prunes below it only). */
  get persistedCursor(): number {
    return this.savedCursor;
  }

  /** Rows finished so far, counted by seq (increases with every delivery report; no query). */
  get finishedEvents(): number {
    return this.tracker.cursor + this.tracker.aheadCount;
  }

  /** Rows in the WAL not yet finished (no query). */
  get pendingEvents(): number {
    return this.deps.wal.lastSeq - this.tracker.cursor - this.tracker.aheadCount;
  }

  /**
   * The stored bodies' bytes (UTF-8) of the rows not yet finished: a running total (the WAL adds each
   * appended row, `finish` subtracts each finished one; one scan at start-up), exact, no query.
   */
  get pendingBytes(): number {
    return this.bytesBase + this.deps.wal.bodyBytes.appended - this.finishedBytes;
  }

  isFinished(seq: number): boolean {
    return this.tracker.isDelivered(seq);
  }

  /**
   * Kafka confirmed `seq` at this partition/offset (or a dead letter finished it: no position).
   * `bodyBytes`: the row's body bytes (UTF-8) when the caller has them; else read from the row
   * (one primary-key read), so call it while the row is stored.
   */
  finish(seq: number, position?: { partition: number; offset: number }, bodyBytes?: number): void {
    // Counted once: a row is finished again by the read-back or a late report.
    if (!this.tracker.isDelivered(seq)) this.finishedBytes += bodyBytes ?? this.deps.wal.bodyBytes.at(seq);
    this.tracker.complete(seq);
    if (position) this.recent.set(seq, position.partition, position.offset);
  }

  /** Where the event stands, or undefined when the WAL no longer holds it. */
  statusOf(eventId: string): EventStatus | undefined {
    const e = this.deps.wal.findEvent(eventId);
    if (!e) return undefined;
    const delivered = this.tracker.isDelivered(e.seq);
    // A finished row is either confirmed by Kafka or dead-lettered: only the dead-letter store tells which.
    const dead = delivered ? this.deps.wal.deadLetters.list(e.seq - 1, 1)[0] : undefined;
    if (dead?.seq === e.seq) {
      return {
        status: 'dead_lettered',
        seq: e.seq,
        topic: e.topic,
        receivedAt: new Date(e.receivedAt).toISOString(),
        error: dead.error,
        failedAt: dead.failedAt,
        ...(dead.redrivenSeq !== undefined ? { redrivenSeq: dead.redrivenSeq } : {}),
      };
    }
    return {
      status: delivered ? 'forwarded' : 'accepted',
      seq: e.seq,
      topic: e.topic,
      ...(delivered ? this.recent.get(e.seq) : {}),
      receivedAt: new Date(e.receivedAt).toISOString(),
    };
  }

  /**
   * Records what changed since the last save. Returns false if the WAL refused (the events stay
   * pending on disk and are saved by a later call; at worst they are sent again after a crash).
   */
  save(): boolean {
    if (!this.tracker.dirty && !this.mustSave) return true;
    const snap = this.tracker.takeSnapshot();
    try {
      this.deps.wal.saveDelivery(snap.cursor, snap.ahead);
      this.savedCursor = snap.cursor;
      this.mustSave = false;
      return true;
    } catch (err) {
      this.mustSave = true;
      this.saveFailures++;
      this.deps.log.error({ err }, 'could not record deliveries in the WAL');
      return false;
    }
  }

  /** When the oldest unfinished event was received (epoch ms; one primary-key read), or undefined when none is pending. */
  oldestPendingReceivedAt(): number | undefined {
    return this.pendingEvents > 0 ? this.deps.wal.receivedAt(this.tracker.cursor + 1) : undefined;
  }

  health(): ComponentHealth {
    const pendingEvents = this.pendingEvents;
    const oldest = this.oldestPendingReceivedAt();
    return {
      deliveredCursor: this.tracker.cursor,
      savedCursor: this.savedCursor,
      pendingEvents,
      pendingBytes: this.pendingBytes,
      oldestPendingAgeMs: oldest === undefined ? null : Math.max(0, Date.now() - oldest),
      saveFailures: this.saveFailures,
    };
  }
}
