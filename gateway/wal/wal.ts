import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { z } from 'zod';
import { WalDiskFullError, WalUnavailableError } from '../errors.js';
import { migrate } from './migrations.js';
import { WalBudgetConfigSchema } from './wal-budget.js';

export const WalConfigSchema = z.strictObject({
  path: z.string().min(1).default('./data/wal.db'),
  /** `full` fsyncs every commit (group commit keeps that cheap); `normal` may lose the last commits on power loss. */
  synchronous: z.enum(['full', 'normal']).default('full'),
  /** Delivered events are kept this long, then pruned; it is also how long duplicates are recognised. */
  retentionMs: z.number().int().nonnegative().default(3_600_000),
  pruneIntervalMs: z.number().int().positive().default(10_000),
  /**
   * Hard cap on the database file (SQLite `max_page_count`): a commit that would grow it further
   * fails with 503 `wal_disk_full`, as on a full disk. Unset: only the disk limits it.
   */
  maxFileBytes: z.number().int().positive().optional(),
  /** When intake pauses (503 `wal_budget_exceeded`) to keep the WAL within bounds. */
  budget: WalBudgetConfigSchema.prefault({}),
});
export type WalConfig = z.infer<typeof WalConfigSchema>;

/** What the pipeline hands to the WAL for one validated event. */
export interface WalRecord {
  eventId: string;
  aggregateId: string;
  topic: string;
  /** Canonical JSON of the envelope. */
  body: string;
}

export interface StoredEvent {
  seq: number;
  eventId: string;
  aggregateId: string;
  topic: string;
  receivedAt: number;
  body: string;
}

export type AppendOutcome = { seq: number; duplicate: boolean };

const PRUNE_CHUNK = 10_000;

/**
 * The write-ahead log: an append-only SQLite table with a gap-free, monotonically increasing
 * `seq`. Delivery is recorded as a cursor plus the few seqs delivered above it, never by
 * rewriting event rows. All methods are synchronous (better-sqlite3); callers batch.
 */
export class Wal {
  private readonly db: Database;
  private lastSeqValue: number;
  private readonly insert: Statement;
  private readonly readAfterStmt: Statement;
  private readonly findById: Statement;
  private readonly receivedAtOf: Statement;
  private readonly receivedAtAtOrBeforeStmt: Statement;
  private readonly minSeqStmt: Statement;
  private readonly deleteRange: Statement;
  private readonly cursorStmt: Statement;
  private readonly aheadStmt: Statement;
  private readonly cursorAheadStmt: Statement;
  /** Rows left in `delivered_ahead` by a version before migration 3. */
  private legacyAhead = false;
  private readonly saveCursor: Statement;
  private readonly clearAhead: Statement;
  private readonly pendingTopicsStmt: Statement;
  private readonly eventIdAtStmt: Statement;

  constructor(
    readonly config: WalConfig,
    private readonly deps: { now?: () => number } = {},
  ) {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    this.db = new BetterSqlite3(config.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${config.synchronous.toUpperCase()}`);
    if (config.maxFileBytes !== undefined) {
      // Per connection, not stored in the file. SQLite will not set it below the current size.
      const pageSize = this.db.pragma('page_size', { simple: true }) as number;
      this.db.pragma(`max_page_count = ${Math.max(1, Math.floor(config.maxFileBytes / pageSize))}`);
    }
    migrate(this.db);
    this.insert = this.db.prepare(
      `INSERT INTO events (seq, event_id, aggregate_id, topic, received_at, body)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
    );
    this.readAfterStmt = this.db.prepare(
      `SELECT seq, event_id AS eventId, aggregate_id AS aggregateId, topic, received_at AS receivedAt, body
       FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    this.findById = this.db.prepare(
      'SELECT seq, topic, received_at AS receivedAt FROM events WHERE event_id = ?',
    );
    this.receivedAtOf = this.db.prepare('SELECT received_at FROM events WHERE seq = ?').pluck();
    this.receivedAtAtOrBeforeStmt = this.db
      .prepare('SELECT received_at FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1')
      .pluck();
    this.minSeqStmt = this.db.prepare('SELECT min(seq) FROM events').pluck();
    this.deleteRange = this.db.prepare('DELETE FROM events WHERE seq >= ? AND seq <= ?');
    this.cursorStmt = this.db.prepare('SELECT seq FROM delivery_cursor WHERE id = 1').pluck();
    this.cursorAheadStmt = this.db.prepare('SELECT ahead FROM delivery_cursor WHERE id = 1').pluck();
    this.aheadStmt = this.db.prepare('SELECT seq FROM delivered_ahead ORDER BY seq').pluck();
    this.saveCursor = this.db.prepare('UPDATE delivery_cursor SET seq = ?, ahead = ? WHERE id = 1');
    this.clearAhead = this.db.prepare('DELETE FROM delivered_ahead');
    this.pendingTopicsStmt = this.db.prepare(
      'SELECT topic, min(received_at) AS since FROM events WHERE seq > ? GROUP BY topic',
    );
    this.eventIdAtStmt = this.db.prepare('SELECT event_id FROM events WHERE seq = ?').pluck();
    // Recovery reads two index ends and the cursor row: no scan of the log.
    const maxSeq = (this.db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0;
    this.lastSeqValue = Math.max(maxSeq, this.loadDelivery().cursor);
  }

  get lastSeq(): number {
    return this.lastSeqValue;
  }

  /**
   * Appends in one transaction (one fsync with synchronous=full). Events whose eventId is already
   * stored are not stored again and come back as duplicates with the original seq.
   */
  appendBatch(records: readonly WalRecord[]): AppendOutcome[] {
    const before = this.lastSeqValue;
    const now = this.now();
    try {
      return this.db.transaction(() => {
        const out: AppendOutcome[] = new Array(records.length);
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          const seq = this.lastSeqValue + 1;
          if (this.insert.run(seq, r.eventId, r.aggregateId, r.topic, now, r.body).changes === 1) {
            this.lastSeqValue = seq;
            out[i] = { seq, duplicate: false };
          } else {
            out[i] = { seq: this.findEvent(r.eventId)!.seq, duplicate: true };
          }
        }
        return out;
      })();
    } catch (err) {
      this.lastSeqValue = before; // the transaction rolled back: its seqs were never used
      if (isDiskFull(err)) {
        throw new WalDiskFullError(
          `WAL is full (${this.config.maxFileBytes !== undefined ? `wal.maxFileBytes = ${this.config.maxFileBytes}` : 'disk full'}): nothing of this request is stored; retry once delivered events free space`,
          this.config.budget.retryAfterSeconds,
          err,
        );
      }
      throw new WalUnavailableError(`WAL append failed: ${(err as Error).message}`, err);
    }
  }

  /**
   * Appends `record` as a new event (next seq) in place of the finished event `oldSeq`, whose row is
   * removed so the eventId stays unique. Used to re-drive a dead letter.
   */
  replaceEvent(oldSeq: number, record: WalRecord): number {
    const before = this.lastSeqValue;
    try {
      return this.db.transaction(() => {
        this.deleteRange.run(oldSeq, oldSeq);
        const seq = this.lastSeqValue + 1;
        this.insert.run(seq, record.eventId, record.aggregateId, record.topic, this.now(), record.body);
        this.lastSeqValue = seq;
        return seq;
      })();
    } catch (err) {
      this.lastSeqValue = before;
      throw new WalUnavailableError(`WAL append failed: ${(err as Error).message}`, err);
    }
  }

  /** Events with seq > `afterSeq`, in seq order. */
  readAfter(afterSeq: number, limit: number): StoredEvent[] {
    return this.readAfterStmt.all(afterSeq, limit) as StoredEvent[];
  }

  findEvent(eventId: string): { seq: number; topic: string; receivedAt: number } | undefined {
    return this.findById.get(eventId) as { seq: number; topic: string; receivedAt: number } | undefined;
  }

  /**
   * Each topic of the events with seq > `afterSeq`, with the earliest time one of them was received
   * (one range scan; used at start-up and after failures).
   */
  topicsAfter(afterSeq: number): Array<{ topic: string; since: number }> {
    return this.pendingTopicsStmt.all(afterSeq) as Array<{ topic: string; since: number }>;
  }

  eventIdAt(seq: number): string | undefined {
    return this.eventIdAtStmt.get(seq) as string | undefined;
  }

  /** The SQLite handle, for the other stores kept in the same file (dead letters). */
  get database(): Database {
    return this.db;
  }

  receivedAt(seq: number): number | undefined {
    return this.receivedAtOf.get(seq) as number | undefined;
  }

  loadDelivery(): { cursor: number; ahead: number[] } {
    const cursor = this.cursorStmt.get() as number;
    const legacy = this.aheadStmt.all() as number[];
    this.legacyAhead = legacy.length > 0;
    return { cursor, ahead: [...legacy, ...unpackAhead(cursor, this.cursorAheadStmt.get() as Buffer | null)] };
  }

  /** Records delivery: one small transaction, however many events it covers. */
  saveDelivery(cursor: number, ahead: readonly number[]): void {
    this.db.transaction(() => {
      this.saveCursor.run(cursor, packAhead(cursor, ahead));
      if (this.legacyAhead) this.clearAhead.run(); // moved into the packed value by this save
      this.legacyAhead = false;
    })();
  }

  /**
   * Deletes delivered events older than the retention, oldest first, in chunks so no single
   * transaction holds the writer for long. Assumes `received_at` grows with seq, which holds
   * unless the clock steps back (then pruning is merely late). Returns the number deleted.
   * `retentionMs` overrides the configured retention (the budget prunes early under byte pressure);
   * `maxRows` bounds the work of one call.
   */
  prune(cursor: number, options: { retentionMs?: number; maxRows?: number } = {}): number {
    const cutoff = this.now() - (options.retentionMs ?? this.config.retentionMs);
    const minSeq = this.minSeqStmt.get() as number | null;
    if (minSeq === null || minSeq > cursor) return 0;
    // Binary search for the last seq <= cursor received before the cutoff.
    let lo = minSeq - 1;
    let hi = cursor;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const at = this.receivedAtAtOrBeforeStmt.get(mid) as number | undefined;
      if (at !== undefined && at < cutoff) lo = mid;
      else hi = mid - 1;
    }
    if (options.maxRows !== undefined) lo = Math.min(lo, minSeq + options.maxRows - 1);
    let deleted = 0;
    for (let from = minSeq; from <= lo; from += PRUNE_CHUNK) {
      deleted += this.deleteRange.run(from, Math.min(lo, from + PRUNE_CHUNK - 1)).changes;
    }
    return deleted;
  }

  /** Size of the database and its -wal file on disk. */
  bytesOnDisk(): number {
    if (this.config.path === ':memory:') return 0;
    let total = 0;
    for (const p of [this.config.path, `${this.config.path}-wal`]) {
      try {
        total += statSync(p).size;
      } catch {
        /* the -wal file may not exist */
      }
    }
    return total;
  }

  /**
   * Disk the WAL occupies with live data: the database's pages in use (pages freed by pruning are
   * reused, so the file's size alone would never come down) plus the -wal file. Two header reads
   * and a stat: cheap, but callers still cache it.
   */
  usedBytes(): number {
    const pages = (this.db.pragma('page_count', { simple: true }) as number) - (this.db.pragma('freelist_count', { simple: true }) as number);
    const used = pages * (this.db.pragma('page_size', { simple: true }) as number);
    if (this.config.path === ':memory:') return used;
    try {
      return used + statSync(`${this.config.path}-wal`).size;
    } catch {
      return used; // no -wal file
    }
  }

  /**
   * Copies the -wal file into the database and truncates it to zero, so space freed by pruning
   * shows (and is usable) at once. Costs an fsync; only done under byte pressure. A reader in
   * progress can keep it from completing: then it does what it can and the rest is done later.
   */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}

/** SQLITE_FULL: the disk, or `max_page_count`, has no room for the transaction. */
function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_FULL');
}

/** The seqs delivered above the cursor, as sorted 32-bit offsets from it (4 bytes each). */
function packAhead(cursor: number, ahead: readonly number[]): Buffer | null {
  const above = ahead.filter((s) => s > cursor).sort((a, b) => a - b);
  if (above.length === 0) return null;
  const out = Buffer.allocUnsafe(above.length * 4);
  for (let i = 0; i < above.length; i++) out.writeUInt32LE(above[i]! - cursor, i * 4);
  return out;
}

export function unpackAhead(cursor: number, packed: Buffer | null): number[] {
  if (!packed) return [];
  const out: number[] = new Array(packed.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = cursor + packed.readUInt32LE(i * 4);
  return out;
}
