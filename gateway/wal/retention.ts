import type { Logger } from 'pino';
import { z } from 'zod';
import type { ComponentHealth, StopOutcome } from '../lifecycle/component.js';
import type { Wal } from './wal.js';

export const RetentionConfigSchema = z.strictObject({
  /** Delivered events are kept this long (ms), then pruned; it is also how long duplicates are recognised. */
  periodMs: z.number().int().nonnegative().default(3_600_000),
  /** How often expired events are pruned, in ms. */
  pruneIntervalMs: z.number().int().positive().default(10_000),
});
export type RetentionConfig = z.infer<typeof RetentionConfigSchema>;

/** Rows per DELETE statement: bounds how long one statement holds the writer. */
const PRUNE_CHUNK = 10_000;

/**
 * The one owner of pruning. Deletes finished events, oldest first and in ranges, once they are
 * older than the retention period; under byte pressure (the budget asks) also before it, which
 * shortens the duplicate-detection window. Only what is recorded as finished on disk is pruned, so
 * a crash cannot bring a pruned row back as pending.
 */
export class Retention {
  readonly name = 'retention';
  private timer: NodeJS.Timeout | undefined;
  private pruned = 0;
  private earlyPruned = 0;
  private failures = 0;

  constructor(
    private readonly config: RetentionConfig,
    private readonly deps: {
      wal: Pick<Wal, 'minSeq' | 'receivedAtAtOrBefore' | 'deleteRange' | 'checkpoint'>;
      ledger: { readonly persistedCursor: number };
      log: Logger;
      now?: () => number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.pruneExpired(), this.config.pruneIntervalMs);
  }

  /** Idempotent: only the timer to clear. */
  async stop(): Promise<StopOutcome> {
    clearInterval(this.timer);
    return 'clean';
  }

  /** Prunes finished events older than the retention period; returns how many. Never throws. */
  pruneExpired(): number {
    const n = this.prune(this.now() - this.config.periodMs);
    this.pruned += n;
    if (n > 0) this.deps.log.debug({ pruned: n }, 'pruned delivered events past retention');
    return n;
  }

  /**
   * Under byte pressure: prunes up to `maxRows` finished events whatever their age, then folds the
   * -wal file back so the freed pages count as free. Returns how many. Never throws.
   */
  pruneEarly(maxRows: number): number {
    const n = this.prune(Number.POSITIVE_INFINITY, maxRows);
    if (n === 0) return 0;
    this.earlyPruned += n;
    try {
      this.deps.wal.checkpoint();
    } catch (err) {
      this.deps.log.error({ err }, 'could not checkpoint the WAL after pruning');
    }
    return n;
  }

  health(): ComponentHealth {
    return { periodMs: this.config.periodMs, prunedEvents: this.pruned, earlyPrunedEvents: this.earlyPruned, failures: this.failures };
  }

  /**
   * Deletes finished events received before `cutoff` (epoch ms), at most `maxRows`. Assumes
   * `received_at` grows with seq, which holds unless the clock steps back (then pruning is late).
   */
  private prune(cutoff: number, maxRows = Number.POSITIVE_INFINITY): number {
    const { wal } = this.deps;
    const cursor = this.deps.ledger.persistedCursor;
    try {
      const minSeq = wal.minSeq();
      if (minSeq === null || minSeq > cursor) return 0;
      // Binary search for the last seq <= cursor received before the cutoff.
      let lo = minSeq - 1;
      let hi = cursor;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        const at = wal.receivedAtAtOrBefore(mid);
        if (at !== undefined && at < cutoff) lo = mid;
        else hi = mid - 1;
      }
      lo = Math.min(lo, minSeq + maxRows - 1);
      let deleted = 0;
      for (let from = minSeq; from <= lo; from += PRUNE_CHUNK) deleted += wal.deleteRange(from, Math.min(lo, from + PRUNE_CHUNK - 1));
      return deleted;
    } catch (err) {
      this.failures++;
      this.deps.log.error({ err }, 'could not prune the WAL');
      return 0;
    }
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}
