import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { z } from 'zod';
import { GatewayError } from '../errors.js';
import type { ComponentHealth, StopOutcome } from '../lifecycle/component.js';
import { BodyBytes, utf8Bytes } from './backlog-bytes.js';
import { DeliveryCursorStore } from './delivery-cursor-store.js';
import { RecentRows } from './recent-rows.js';
import { ReplayLog } from './replay-log.js';
import { isDiskFull } from './sqlite-errors.js';
import { incrementalVacuum, usedBytes } from './sqlite-space.js';
import { DeadLetterStore } from './dead-letter-store.js';
import { LifecycleStore } from './lifecycle-store.js';
import { migrate } from './migrations.js';
import type { AppendOutcome, StoredEvent, WalRecord } from './stored-event.js';

export const WalConfigSchema = z.strictObject({
  /** The SQLite file; a relative path is relative to the working directory. */
  path: z.string().min(1).default('./data/wal.db'),
  /** `full` fsyncs every commit (group commit keeps that cheap); `normal` may lose the last commits on power loss. */
  synchronous: z.enum(['full', 'normal']).default('full'),
  /**
   * Hard cap on the database file in bytes (SQLite `max_page_count`): a commit that would grow it
   * further fails with `wal_disk_full`, as on a full disk. Unset: only the disk limits it.
   */
  maxFileBytes: z.number().int().positive().optional(),
});
export type WalConfig = z.infer<typeof WalConfigSchema>;

const COLUMNS = 'seq, event_id AS eventId, aggregate_id AS aggregateId, topic, received_at AS receivedAt, body, replay_of AS replayOf, replay_id AS replayId, sender';

/**
 * The write-ahead log: an append-only SQLite table with a gap-free, increasing `seq`, the delivery
 * cursor beside it, and the dead letters. It owns its database handle and every transaction on it:
 * a transaction that rolls back leaves the in-memory state (the next seq) as it was. Synchronous
 * (better-sqlite3); callers batch.
 */
export class Wal {
  readonly name = 'wal';
  /** Events Kafka refused permanently (the same file): read here, written through the WAL's methods. */
  readonly deadLetters: Pick<DeadLetterStore, 'list' | 'get' | 'openCount'>;
  readonly replays: ReplayLog; // selects delivered events to replay; appendReplay appends the copies
  private readonly deadLetterStore: DeadLetterStore;
  /** Each UTI's lifecycle state, judged and updated in the append transaction (rebuilt from the log when missing). */
  readonly lifecycle: LifecycleStore;
  readonly bodyBytes: BodyBytes; // appended since open, and per row: for the backlog in bytes
  private readonly db: Database;
  private lastSeqValue: number;
  private readonly stmt: Record<'insert' | 'readAfter' | 'readOne' | 'findById' | 'receivedAt' | 'receivedAtAtOrBefore' | 'minSeq' | 'deleteRange' | 'topicsAfter' | 'eventIdAt', Statement>;
  private readonly deliveryCursor: DeliveryCursorStore;
  private readonly recent = new RecentRows({ maxRows: 10_000, maxChars: 8 << 20 }); // what the forwarder reads next, without a query

  constructor(
    readonly config: WalConfig,
    private readonly deps: { now?: () => number } = {},
  ) {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    this.db = new BetterSqlite3(config.path);
    // Takes effect on a new file only, and only before journal_mode (migration 6 converts an old one).
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${config.synchronous.toUpperCase()}`);
    if (config.maxFileBytes !== undefined) {
      // Per connection, not stored in the file. SQLite will not set it below the current size.
      const pageSize = this.db.pragma('page_size', { simple: true }) as number;
      this.db.pragma(`max_page_count = ${Math.max(1, Math.floor(config.maxFileBytes / pageSize))}`);
    }
    migrate(this.db);
    const db = this.db;
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO events (seq, event_id, aggregate_id, topic, received_at, body, sender)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) WHERE replay_of IS NULL DO NOTHING`,
      ),
      readAfter: db.prepare(`SELECT ${COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`),
      readOne: db.prepare(`SELECT ${COLUMNS} FROM events WHERE seq = ?`),
      findById: db.prepare('SELECT seq, topic, received_at AS receivedAt FROM events WHERE event_id = ? AND replay_of IS NULL'),
      receivedAt: db.prepare('SELECT received_at FROM events WHERE seq = ?').pluck(),
      receivedAtAtOrBefore: db.prepare('SELECT received_at FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1').pluck(),
      minSeq: db.prepare('SELECT min(seq) FROM events').pluck(),
      deleteRange: db.prepare('DELETE FROM events WHERE seq >= ? AND seq <= ?'),
      topicsAfter: db.prepare('SELECT topic, min(received_at) AS since FROM events WHERE seq > ? GROUP BY topic'),
      eventIdAt: db.prepare('SELECT event_id FROM events WHERE seq = ?').pluck(),
    };
    this.deliveryCursor = new DeliveryCursorStore(db);
    this.deadLetterStore = new DeadLetterStore(db, { now: () => this.now() });
    this.deadLetters = this.deadLetterStore;
    this.replays = new ReplayLog(db);
    this.lifecycle = new LifecycleStore(db);
    this.bodyBytes = new BodyBytes(db);
    // Recovery reads two index ends and the cursor row: no scan of the log.
    const maxSeq = (db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0;
    this.lastSeqValue = Math.max(maxSeq, this.deliveryCursor.cursor());
  }

  start(): void {}

  /** Lends this connection to a store with tables of its own (FIX sessions): its writes share `alongside`'s transactions. */
  companion<T>(make: (db: Database) => T): T {
    return make(this.db);
  }

  /** The highest seq ever assigned (never reused, also after pruning). */
  get lastSeq(): number {
    return this.lastSeqValue;
  }

  /**
   * Appends in one transaction (one fsync with synchronous=full). Events whose eventId is already
   * stored are not stored again and come back as duplicates with the original seq. A record with a
   * lifecycle fact that breaks its UTI's lifecycle is not stored: it comes back `rejected`. `alongside`
   * runs inside the same transaction with the outcomes (a FIX session's seqs and acks): both are on disk or neither.
   * Throws GatewayError `wal_disk_full` or `wal_unavailable`; then nothing of the batch is stored.
   */
  appendBatch(records: readonly WalRecord[], alongside?: (outcomes: AppendOutcome[]) => void): AppendOutcome[] {
    const now = this.now();
    const fresh: StoredEvent[] = [];
    const outcomes = this.atomically('append', () => {
      const out: AppendOutcome[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        const seq = this.lastSeqValue + 1;
        // Judged against the state left by every earlier record, in seq order; a re-sent event is a duplicate, not a violation.
        const rejected = r.lifecycle ? this.lifecycle.errors(r.lifecycle) : [];
        if (rejected.length > 0) {
          const original = this.findEvent(r.eventId);
          out[i] = original ? { seq: original.seq, duplicate: true } : { seq: 0, duplicate: false, rejected };
        } else if (this.stmt.insert.run(seq, r.eventId, r.aggregateId, r.topic, now, r.body, r.sender ?? null).changes === 1) {
          this.lastSeqValue = seq;
          this.bodyBytes.appended += utf8Bytes(r.body);
          if (r.lifecycle) this.lifecycle.apply(r.lifecycle, seq);
          fresh.push({ seq, eventId: r.eventId, aggregateId: r.aggregateId, topic: r.topic, receivedAt: now, body: r.body, replayOf: null, replayId: null, sender: r.sender ?? null });
          out[i] = { seq, duplicate: false };
        } else {
          out[i] = { seq: this.findEvent(r.eventId)!.seq, duplicate: true };
        }
      }
      alongside?.(out);
      return out;
    });
    this.recent.add(fresh); // committed: only now may the forwarder see them
    return outcomes;
  }

  /** Events with seq > `afterSeq`, in seq order, at most `limit`. */
  readAfter(afterSeq: number, limit: number): StoredEvent[] {
    // Every append goes through this object: past lastSeq there is nothing (the forwarder asks often, caught up).
    if (afterSeq >= this.lastSeqValue) return [];
    return this.recent.after(afterSeq, limit) ?? (this.stmt.readAfter.all(afterSeq, limit) as StoredEvent[]);
  }

  readEvent(seq: number): StoredEvent | undefined {
    return this.stmt.readOne.get(seq) as StoredEvent | undefined;
  }

  findEvent(eventId: string): { seq: number; topic: string; receivedAt: number } | undefined {
    return this.stmt.findById.get(eventId) as { seq: number; topic: string; receivedAt: number } | undefined;
  }

  /** Each topic of the events with seq > `afterSeq`, with the earliest time one was received (one range scan). */
  topicsAfter(afterSeq: number): Array<{ topic: string; since: number }> {
    return this.stmt.topicsAfter.all(afterSeq) as Array<{ topic: string; since: number }>;
  }

  eventIdAt = (seq: number): string | undefined => this.stmt.eventIdAt.get(seq) as string | undefined;
  receivedAt = (seq: number): number | undefined => this.stmt.receivedAt.get(seq) as number | undefined;

  /** The persisted delivery state: every seq <= cursor is delivered, and so is each seq in `ahead`. */
  loadDelivery(): { cursor: number; ahead: number[] } {
    return this.deliveryCursor.load();
  }

  /** Records delivery: one small transaction, however many events it covers. */
  saveDelivery(cursor: number, ahead: readonly number[]): void {
    this.atomically('save delivery', () => this.deliveryCursor.save(cursor, ahead));
    this.deliveryCursor.committed();
  }

  /** The lowest seq still stored, or null when the log is empty (for retention). */
  minSeq = (): number | null => this.stmt.minSeq.get() as number | null;

  /** `received_at` of the last stored event at or before `seq` (for retention's binary search). */
  receivedAtAtOrBefore(seq: number): number | undefined {
    return this.stmt.receivedAtAtOrBefore.get(seq) as number | undefined;
  }

  /** Deletes the events `from..to` (inclusive, one statement); returns how many were deleted. */
  deleteRange(from: number, to: number): number {
    this.recent.deleted(from, to);
    return this.stmt.deleteRange.run(from, to).changes;
  }

  /** Keeps a refused event whole with its error (one statement; a second add of the same seq changes nothing). */
  addDeadLetter(event: StoredEvent, error: { code: string; message: string }): void {
    this.deadLetterStore.add(event, error);
  }

  /**
   * Puts dead letter `seq` back into the log as a new event (the next seq, so after anything of
   * its key accepted meanwhile) in place of its finished row, and marks it re-driven: one
   * transaction. Throws GatewayError `dead_letter_not_found`, `already_redriven`,
   * `dead_letter_not_recorded` (its row is not yet recorded as finished on disk: retry),
   * `event_in_log_again` (its sender sent it anew after its row was pruned), `wal_disk_full` or
   * `wal_unavailable`; then nothing changed.
   */
  redriveDeadLetter(seq: number): { seq: number; redrivenSeq: number } {
    const dead = this.deadLetterStore.row(seq);
    if (!dead) throw new GatewayError('dead_letter_not_found', `no dead letter with seq ${seq}`);
    if (dead.redriven_seq !== null) {
      throw new GatewayError('already_redriven', `dead letter ${seq} was re-driven as seq ${dead.redriven_seq}`);
    }
    // Its row is deleted below: unless the row is recorded as finished, the cursor could never pass
    // its seq (a crash between the dead letter and the next delivery save, then a re-drive).
    if (!this.deliveryCursor.finished(seq)) {
      throw new GatewayError('dead_letter_not_recorded', `dead letter ${seq} is not yet recorded as finished; retry in a moment`, { retryAfterSeconds: 1 });
    }
    this.recent.deleted(seq, seq);
    return this.atomically('re-drive', () => {
      this.stmt.deleteRange.run(seq, seq);
      const redrivenSeq = this.lastSeqValue + 1;
      if (this.stmt.insert.run(redrivenSeq, dead.event_id, dead.aggregate_id, dead.topic, this.now(), dead.body, dead.sender).changes !== 1) {
        // Its sender sent it anew after its row was pruned: the log has it, under a newer seq.
        const again = this.findEvent(dead.event_id)!;
        throw new GatewayError('event_in_log_again', `event '${dead.event_id}' of dead letter ${seq} is in the log again as seq ${again.seq} (sent anew); nothing to re-drive`);
      }
      this.lastSeqValue = this.bodyBytes.addRow(redrivenSeq);
      this.deadLetterStore.markRedriven(seq, redrivenSeq);
      return { seq, redrivenSeq };
    });
  }

  /**
   * Appends a copy of each event `seqs` names (in the order given) at the end of the log, marked as
   * replay `replayId`, in one transaction; the forwarder sends them like any other row. Returns the
   * new seqs. Throws GatewayError `wal_disk_full` or `wal_unavailable`; then nothing is appended.
   */
  appendReplay(seqs: readonly number[], replayId: string): number[] {
    const now = this.now();
    return this.atomically('replay', () =>
      seqs.flatMap((seq) => (this.replays.copy(seq, this.lastSeqValue + 1, replayId, now) ? [this.bodyBytes.addRow(++this.lastSeqValue)] : [])),
    );
  }

  /** Rows in the log (a count over the primary key: O(rows), for operators' stats, not the hot path). */
  rowCount = (): number => this.db.prepare('SELECT count(*) FROM events').pluck().get() as number;

  /** The WAL's size in bytes: database pages in use plus the -wal file (see sqlite-space.ts). */
  usedBytes(): number {
    return usedBytes(this.db, this.config.path);
  }

  /**
   * Copies the -wal file into the database and truncates it, so space freed by pruning shows (and
   * is usable) at once. Costs an fsync. A reader in progress can keep it from completing.
   */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Returns up to `pages` free pages to the file system (auto_vacuum=INCREMENTAL); how many stay free. */
  incrementalVacuum(pages: number): number {
    return incrementalVacuum(this.db, pages);
  }

  health(): ComponentHealth {
    return { path: this.config.path, lastSeq: this.lastSeqValue, usedBytes: this.usedBytes() };
  }

  /** Closes the database (last in the stop order). */
  async stop(): Promise<StopOutcome> {
    if (this.db.open) this.db.close();
    return 'clean';
  }

  /**
   * Runs `work` as one transaction. On any failure SQLite rolls back, and so does the in-memory
   * state (seq, bytes appended): a seq taken inside and then rolled back would leave a gap the cursor never passes.
   */
  private atomically<T>(what: string, work: () => T): T {
    const [lastSeq, appended] = [this.lastSeqValue, this.bodyBytes.appended];
    try {
      return this.db.transaction(work)();
    } catch (err) {
      [this.lastSeqValue, this.bodyBytes.appended] = [lastSeq, appended];
      if (err instanceof GatewayError) throw err;
      if (isDiskFull(err)) {
        const limit = this.config.maxFileBytes !== undefined ? `wal.maxFileBytes = ${this.config.maxFileBytes}` : 'disk full';
        throw new GatewayError('wal_disk_full', `WAL is full (${limit}): the ${what} was not stored; retry once delivered events free space`, { cause: err });
      }
      throw new GatewayError('wal_unavailable', `WAL ${what} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}
