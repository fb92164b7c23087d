import type { StoredEvent } from './stored-event.js';

/**
 * The newest rows the group commit appended, kept in memory after their commit, so the forwarder
 * reads what it was just woken for without a query (bench/README.md, issue 12). Holds contiguous
 * seqs only; any row appended another way (replays, re-drives) leaves a gap, and the cache starts
 * again after it. Bounded by rows and by body characters, whichever is reached first. Never the
 * source of truth: a miss is a query.
 */
export class RecentRows {
  /** rows[i].seq === rows[0].seq + i */
  private rows: StoredEvent[] = [];
  private chars = 0;

  /**
   * @param maxRows rows kept at most (trimmed from the oldest)
   * @param maxChars body characters kept at most (UTF-16 units: bytes for ASCII bodies)
   */
  constructor(private readonly limits: { maxRows: number; maxChars: number }) {}

  /** Adds committed rows in seq order. */
  add(fresh: readonly StoredEvent[]): void {
    for (const row of fresh) {
      const n = this.rows.length;
      if (n > 0 && this.rows[n - 1]!.seq + 1 !== row.seq) this.clear();
      this.rows.push(row);
      this.chars += row.body.length;
    }
    let drop = 0;
    let chars = this.chars;
    while (drop < this.rows.length && (this.rows.length - drop > this.limits.maxRows || chars > this.limits.maxChars)) chars -= this.rows[drop++]!.body.length;
    if (drop > 0) this.dropOldest(drop);
  }

  /** Rows with seq > `afterSeq` in seq order, at most `limit`; undefined unless it holds `afterSeq + 1`. */
  after(afterSeq: number, limit: number): StoredEvent[] | undefined {
    const i = this.rows.length === 0 ? -1 : afterSeq + 1 - this.rows[0]!.seq;
    return i >= 0 && i < this.rows.length ? this.rows.slice(i, i + limit) : undefined;
  }

  /** Rows `from..to` were deleted: drop them when they are the oldest held (pruning), else everything held. */
  deleted(from: number, to: number): void {
    const n = this.rows.length;
    if (n === 0 || from > this.rows[n - 1]!.seq || to < this.rows[0]!.seq) return;
    if (from <= this.rows[0]!.seq && to < this.rows[n - 1]!.seq) this.dropOldest(to - this.rows[0]!.seq + 1);
    else this.clear();
  }

  private dropOldest(count: number): void {
    for (let i = 0; i < count; i++) this.chars -= this.rows[i]!.body.length;
    this.rows = this.rows.slice(count);
  }

  private clear(): void {
    this.rows = [];
    this.chars = 0;
  }
}
