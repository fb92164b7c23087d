import type { Logger } from 'pino';
import { z } from 'zod';
import { WalBudgetExceededError, WalDiskFullError } from '../errors.js';
import type { Wal } from './wal.js';

export const WalBudgetConfigSchema = z.strictObject({
  /** Undelivered events at which intake pauses (503 `wal_budget_exceeded`). */
  maxPendingEvents: z.number().int().positive().default(5_000_000),
  /** Disk used by the WAL (database pages in use + the -wal file) at which intake pauses. */
  maxBytes: z.number().int().positive().default(8 * 1024 ** 3),
  /**
   * Once paused, intake resumes only when both figures are below this share of their budget, so it
   * does not flap open and shut with every delivery report. Also the mark above which delivered
   * events are pruned early (before `wal.retentionMs`).
   */
  resumeAtPercent: z.number().int().min(1).max(100).default(90),
  /** The `Retry-After` of a 503 from the budget or a full disk. */
  retryAfterSeconds: z.number().int().positive().max(3600).default(2),
  /** How often the WAL's size is read (it is cached in between) and early pruning runs. */
  checkIntervalMs: z.number().int().positive().default(1000),
});
export type WalBudgetConfig = z.infer<typeof WalBudgetConfigSchema>;

/** Why intake is paused; `disk_full` lasts until a commit succeeds again. */
export type PauseReason = 'pending_events' | 'bytes' | 'disk_full';

export interface BudgetFigures {
  pendingEvents: number;
  bytes: number;
  diskFull: boolean;
}

/** Delivered rows deleted per check under byte pressure: bounds how long one check holds the event loop. */
const EARLY_PRUNE_ROWS = 50_000;

/**
 * Pure: whether intake is paused, given the figures and whether it was paused before. It pauses at
 * the budget and resumes below the `resumeAtPercent` mark (hysteresis).
 */
export function pauseReason(f: BudgetFigures, config: WalBudgetConfig, current: PauseReason | undefined): PauseReason | undefined {
  if (f.diskFull) return 'disk_full';
  if (f.pendingEvents >= config.maxPendingEvents) return 'pending_events';
  if (f.bytes >= config.maxBytes) return 'bytes';
  if (current === undefined || current === 'disk_full') return undefined;
  if (f.pendingEvents >= resumeMark(config.maxPendingEvents, config)) return 'pending_events';
  if (f.bytes >= resumeMark(config.maxBytes, config)) return 'bytes';
  return undefined;
}

const resumeMark = (max: number, config: WalBudgetConfig) => Math.floor((max * config.resumeAtPercent) / 100);

export interface WalBudgetDeps {
  wal: Pick<Wal, 'usedBytes' | 'prune' | 'loadDelivery' | 'checkpoint'>;
  /** Events in the WAL not yet confirmed by Kafka (the forwarder knows). */
  pendingEvents: () => number;
  log: Logger;
}

/**
 * Backpressure instead of a full disk. Each request is admitted or refused as a whole before it is
 * committed (a soft limit: a request under the budget is taken whole, so the backlog can overshoot
 * by the requests admitted in the same moment). The WAL's size is read every `checkIntervalMs`,
 * not per request. Under byte pressure (or once the disk was full) delivered events are pruned
 * before their retention ends, which shortens the duplicate-detection window: logged as a warning.
 */
export class WalBudget {
  private bytes = 0;
  private diskFull = false;
  private paused: PauseReason | undefined;
  private pruningEarly = false;
  private earlyPruned = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: WalBudgetConfig,
    private readonly deps: WalBudgetDeps,
  ) {
    this.bytes = deps.wal.usedBytes();
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.config.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Per request, before committing: throws a 503 (with Retry-After) while intake is paused by the budget. */
  admit(): void {
    const reason = this.evaluate();
    if (reason === 'pending_events' || reason === 'bytes') {
      throw new WalBudgetExceededError(this.describe(reason), this.config.retryAfterSeconds);
    }
    // disk_full: the request goes on to try its commit, which is what tells that space is back.
  }

  /** Commit outcomes, from the ingest path: a full disk pauses intake until a commit succeeds. */
  commitFailed(err: unknown): void {
    if (!(err instanceof WalDiskFullError) || this.diskFull) return;
    this.diskFull = true;
    this.evaluate();
  }

  commitSucceeded(): void {
    if (!this.diskFull) return;
    this.diskFull = false;
    this.evaluate();
  }

  /** Reads the WAL's size, prunes early under byte pressure, and logs pausing or resuming. */
  check(): void {
    this.bytes = this.deps.wal.usedBytes();
    const pressure = this.diskFull || this.bytes >= resumeMark(this.config.maxBytes, this.config);
    if (pressure) this.pruneEarly();
    else this.pruningEarly = false;
    this.evaluate();
  }

  /** For /health/ready. */
  report(): Record<string, unknown> {
    const reason = this.evaluate();
    return {
      intake: reason ? 'paused' : 'open',
      ...(reason ? { pausedBy: reason } : {}),
      pendingEvents: this.deps.pendingEvents(),
      maxPendingEvents: this.config.maxPendingEvents,
      bytes: this.bytes,
      maxBytes: this.config.maxBytes,
      resumeBelow: {
        pendingEvents: resumeMark(this.config.maxPendingEvents, this.config),
        bytes: resumeMark(this.config.maxBytes, this.config),
      },
      earlyPrunedEvents: this.earlyPruned,
    };
  }

  private pruneEarly(): void {
    try {
      // Only what is recorded as delivered on disk: a crash cannot bring back a pruned row as pending.
      const n = this.deps.wal.prune(this.deps.wal.loadDelivery().cursor, { retentionMs: 0, maxRows: EARLY_PRUNE_ROWS });
      if (n === 0) return;
      this.earlyPruned += n;
      // The deletes went to the -wal file: fold it back so the freed pages count as free.
      this.deps.wal.checkpoint();
      if (!this.pruningEarly) {
        this.pruningEarly = true;
        this.deps.log.warn(
          { bytes: this.bytes, maxBytes: this.config.maxBytes, diskFull: this.diskFull, pruned: n },
          'WAL under byte pressure: pruning delivered events before wal.retentionMs; duplicates of them are no longer recognised',
        );
      }
      this.bytes = this.deps.wal.usedBytes();
    } catch (err) {
      this.deps.log.error({ err }, 'could not prune the WAL early');
    }
  }

  private evaluate(): PauseReason | undefined {
    const pendingEvents = this.deps.pendingEvents();
    const next = pauseReason({ pendingEvents, bytes: this.bytes, diskFull: this.diskFull }, this.config, this.paused);
    if (next !== this.paused) {
      const figures = { pendingEvents, maxPendingEvents: this.config.maxPendingEvents, bytes: this.bytes, maxBytes: this.config.maxBytes };
      if (next && !this.paused) this.deps.log.warn({ reason: next, ...figures }, `intake paused: ${this.describe(next, pendingEvents)}`);
      else if (!next) this.deps.log.info({ after: this.paused, ...figures }, 'intake resumed');
      else this.deps.log.warn({ reason: next, after: this.paused, ...figures }, `intake still paused: ${this.describe(next, pendingEvents)}`);
      this.paused = next;
    }
    return next;
  }

  private describe(reason: PauseReason, pendingEvents = this.deps.pendingEvents()): string {
    const c = this.config;
    switch (reason) {
      case 'pending_events':
        return `WAL budget reached: ${pendingEvents} events not yet delivered to Kafka (wal.budget.maxPendingEvents = ${c.maxPendingEvents}); intake resumes below ${resumeMark(c.maxPendingEvents, c)}`;
      case 'bytes':
        return `WAL budget reached: the WAL uses ${this.bytes} bytes (wal.budget.maxBytes = ${c.maxBytes}); intake resumes below ${resumeMark(c.maxBytes, c)}`;
      case 'disk_full':
        return 'the WAL is full (disk or wal.maxFileBytes): commits fail until delivered events are pruned or space is freed';
    }
  }
}
