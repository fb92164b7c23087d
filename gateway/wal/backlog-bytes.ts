import type { Database, Statement } from 'better-sqlite3';

/** A body's size as stored and forwarded: its UTF-8 bytes (SQLite's `length(CAST(body AS BLOB))`). */
export const utf8Bytes = (body: string): number => Buffer.byteLength(body, 'utf8');

/**
 * The stored bodies' bytes, for the backlog in bytes without scanning it per scrape: the WAL adds
 * each row it appends to `appended` (and takes a rolled-back transaction's rows off again); the
 * delivery ledger sums the unfinished rows once at start-up and subtracts each row it finishes.
 */
export class BodyBytes {
  /** Body bytes of the rows appended since the WAL was opened (bytes). */
  appended = 0;
  private readonly atStmt: Statement;
  private readonly afterStmt: Statement;

  constructor(db: Database) {
    this.atStmt = db.prepare('SELECT length(CAST(body AS BLOB)) FROM events WHERE seq = ?').pluck();
    this.afterStmt = db.prepare('SELECT coalesce(sum(length(CAST(body AS BLOB))), 0) FROM events WHERE seq > ?').pluck();
  }

  /** Inside the append transaction: counts the row just stored as `seq` (one primary-key read); returns `seq`. */
  addRow(seq: number): number {
    this.appended += this.at(seq);
    return seq;
  }

  /** The body bytes of row `seq`, 0 when it is not stored (one primary-key read). */
  at(seq: number): number {
    return (this.atStmt.get(seq) as number | null | undefined) ?? 0;
  }

  /**
   * Body bytes of the rows not finished: above `cursor` and not in `ahead` (start-up only: one
   * range scan over the backlog, then a primary-key read per row finished ahead).
   */
  unfinished(cursor: number, ahead: Iterable<number>): number {
    let total = this.afterStmt.get(cursor) as number;
    for (const seq of ahead) if (seq > cursor) total -= this.at(seq);
    return total;
  }
}
