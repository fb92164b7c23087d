import type { Database, Statement } from 'better-sqlite3';
import { packAhead, unpackAhead } from './ahead-packing.js';

/**
 * The persisted delivery state in the WAL's database: the cursor row (every seq <= cursor is
 * delivered) and the packed seqs delivered above it (`ahead`). Statements only: the WAL runs
 * them inside its own transactions.
 */
export class DeliveryCursorStore {
  private readonly stmt: Record<'cursor' | 'legacyAhead' | 'saveCursor' | 'clearLegacyAhead', Statement>;
  /** Rows left in `delivered_ahead` by a version before migration 3; the next save moves them. */
  private legacyAhead = false;

  constructor(db: Database) {
    this.stmt = {
      cursor: db.prepare('SELECT seq, ahead FROM delivery_cursor WHERE id = 1'),
      legacyAhead: db.prepare('SELECT seq FROM delivered_ahead ORDER BY seq').pluck(),
      saveCursor: db.prepare('UPDATE delivery_cursor SET seq = ?, ahead = ? WHERE id = 1'),
      clearLegacyAhead: db.prepare('DELETE FROM delivered_ahead'),
    };
  }

  /** The cursor alone (one row read). */
  cursor(): number {
    return (this.stmt.cursor.get() as { seq: number }).seq;
  }

  /** The whole persisted state. */
  load(): { cursor: number; ahead: number[] } {
    const row = this.stmt.cursor.get() as { seq: number; ahead: Buffer | null };
    const legacy = this.stmt.legacyAhead.all() as number[];
    this.legacyAhead = legacy.length > 0;
    return { cursor: row.seq, ahead: [...legacy, ...unpackAhead(row.seq, row.ahead)] };
  }

  /** Whether `seq` is finished in the state on disk (not only in a ledger's memory). */
  finished(seq: number): boolean {
    const row = this.stmt.cursor.get() as { seq: number; ahead: Buffer | null };
    if (seq <= row.seq) return true;
    return unpackAhead(row.seq, row.ahead).includes(seq) || (this.stmt.legacyAhead.all() as number[]).includes(seq);
  }

  /** Writes the state; run it inside a transaction, then call `committed()` once that commits. */
  save(cursor: number, ahead: readonly number[]): void {
    this.stmt.saveCursor.run(cursor, packAhead(cursor, ahead));
    if (this.legacyAhead) this.stmt.clearLegacyAhead.run();
  }

  /** The save's transaction committed: the legacy rows are gone (a rolled-back one leaves them). */
  committed(): void {
    this.legacyAhead = false;
  }
}
