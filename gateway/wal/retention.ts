import { setImmediate as nextTurn } from 'node:timers/promises';
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

/**
 * Rows per DELETE statement, and free pages returned per incremental_vacuum step. Between two
 * slices the event loop runs (intake, delivery reports), so a large prune never holds it for more
 * than a few milliseconds at a time (measured ~2-5 ms per slice of 2,000 events).
 */
const PRUNE_SLICE = 2_000;
const VACUUM_SLICE_PAGES = 1_000;

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
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly config: RetentionConfig,
    private readonly deps: {
      wal: Pick<Wal, 'minSeq' | 'receivedAtAtOrBefore' | 'deleteRange' | 'checkpoint' | 'incrementalVacuum'>;
      ledger: { readonly persistedCursor: number };
      log: Logger;
      now?: () => number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.pruneExpired(), this.config.pruneIntervalMs);
  }

  /** Idempotent: clears the timer and lets a prune in progress finish its slice. */
  async stop(): Promise<StopOutcome> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.running;
    return 'clean';
  }

  /**
   * Prunes finished events older than the retention period, then returns the freed pages to the
   * file system and checkpoints; resolves with how many. Never rejects. Prunes run one at a time.
   */
  pruneExpired(): Promise<number> {
    return this.exclusive(async () => {
      const n = await this.prune(this.now() - this.config.periodMs);
      this.pruned += n;
      if (n > 0) {
        this.deps.log.debug({ pruned: n }, 'pruned delivered events past retention');
        await this.housekeep();
      }
      return n;
    });
  }

  /**
   * Under byte or disk pressure: prunes up to `maxRows` finished events whatever their age, then
   * returns the pages and checkpoints, so the freed space shows at once. Resolves with how many.
   */
  pruneEarly(maxRows: number): Promise<number> {
    return this.exclusive(async () => {
      const n = await this.prune(Number.POSITIVE_INFINITY, maxRows);
      if (n === 0) return 0;
      this.earlyPruned += n;
      await this.housekeep();
      return n;
    });
  }

  health(): ComponentHealth {
    return { periodMs: this.config.periodMs, prunedEvents: this.pruned, earlyPrunedEvents: this.earlyPruned, failures: this.failures };
  }

  private exclusive(work: () => Promise<number>): Promise<number> {
    const next = (this.running ?? Promise.resolve(0)).then(() => (this.stopped ? 0 : work()));
    this.running = next;
    return next;
  }

  /** Incremental vacuum in slices, then a checkpoint that folds the -wal file back and truncates it. */
  private async housekeep(): Promise<void> {
    try {
      while (!this.stopped && this.deps.wal.incrementalVacuum(VACUUM_SLICE_PAGES) > 0) await nextTurn();
      this.deps.wal.checkpoint();
    } catch (err) {
      this.failures++;
      this.deps.log.error({ err }, 'could not vacuum or checkpoint the WAL after pruning');
    }
  }

  /**
   * Deletes finished events received before `cutoff` (epoch ms), at most `maxRows`, a slice per
   * turn of the event loop. Assumes `received_at` grows with seq, which holds unless the clock
   * steps back (then pruning is late). Never rejects.
   */
  private async prune(cutoff: number, maxRows = Number.POSITIVE_INFINITY): Promise<number> {
    const { wal } = this.deps;
    const cursor = this.deps.ledger.persistedCursor;
    let deleted = 0;
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
      for (let from = minSeq; from <= lo && !this.stopped; from += PRUNE_SLICE) {
        if (from > minSeq) await nextTurn();
        deleted += wal.deleteRange(from, Math.min(lo, from + PRUNE_SLICE - 1));
      }
      return deleted;
    } catch (err) {
      this.failures++;
      this.deps.log.error({ err }, 'could not prune the WAL');
      return deleted;
    }
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}
