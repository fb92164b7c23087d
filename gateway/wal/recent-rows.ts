import type { StoredEvent } from './stored-event.js';

/**
 * The newest rows the group commit appended, kept in memory after their commit, so the forwarder
 * reads what it was just woken for without a query: reading back fresh rows cost ~8 us a row, 17 %
 * of the event loop in S1 (bench/README.md, issue 12). Holds contiguous seqs only; any row appended
 * another way (replays, re-drives) leaves a gap, and the cache starts again after it. Never the
 * source of truth: a miss is a query.
 */
export class RecentRows {
  /** rows[i].seq === rows[0].seq + i */
  private rows: StoredEvent[] = [];

  /** @param max rows kept at least (up to twice as many between trims). */
  constructor(private readonly max: number) {}

  /** Adds committed rows in seq order. */
  add(fresh: readonly StoredEvent[]): void {
    for (const row of fresh) {
      const n = this.rows.length;
      if (n > 0 && this.rows[n - 1]!.seq + 1 !== row.seq) this.rows = [];
      this.rows.push(row);
    }
    if (this.rows.length > 2 * this.max) this.rows = this.rows.slice(-this.max);
  }

  /** Rows with seq > `afterSeq` in seq order, at most `limit`; undefined unless it holds `afterSeq + 1`. */
  after(afterSeq: number, limit: number): StoredEvent[] | undefined {
    const i = this.rows.length === 0 ? -1 : afterSeq + 1 - this.rows[0]!.seq;
    return i >= 0 && i < this.rows.length ? this.rows.slice(i, i + limit) : undefined;
  }

  /** Rows `from..to` were deleted: forget everything if it held any of them. */
  deleted(from: number, to: number): void {
    const n = this.rows.length;
    if (n > 0 && from <= this.rows[n - 1]!.seq && to >= this.rows[0]!.seq) this.rows = [];
  }
}
