import { statfsSync } from 'node:fs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GatewayError, hasCode } from '../errors.js';
import type { ComponentHealth, StopOutcome } from '../lifecycle/component.js';
import { BacklogPace, type BacklogPaceDeps } from './backlog-pace.js';

export const WalBudgetConfigSchema = z.strictObject({
  /** Undelivered events at which intake pauses (503 `wal_budget_exceeded`). */
  maxPendingEvents: z.number().int().positive().default(5_000_000),
  /** WAL bytes in use (database pages in use + the -wal file, as `wal.usedBytes`) at which intake pauses. */
  maxBytes: z.number().int().positive().default(8 * 1024 ** 3),
  /**
   * Once paused, intake resumes only when both figures are below this share of their budget, so it
   * does not flap open and shut with every delivery report. Also the mark above which delivered
   * events are pruned early (before `wal.retention.periodMs`).
   */
  resumeAtPercent: z.number().int().min(1).max(100).default(90),
  /** When a sender refused by the budget or a full disk should retry, in seconds (HTTP `Retry-After`). */
  retryAfterSeconds: z.number().int().positive().max(3600).default(2),
  /**
   * The backlog's budget in time, in ms, while Kafka is reachable: intake is paced (503
   * `wal_budget_exceeded`) once the oldest undelivered event is this old, or once the backlog
   * would take this long to forward at the rate forwarding last managed with a backlog, until both
   * are below `resumeAtPercent` of it. Keeps the end-to-end latency bounded when intake outruns
   * forwarding. Not applied while Kafka is unreachable: the WAL then buffers, up to the other
   * budgets. 0: off.
   */
  maxPendingAgeMs: z.number().int().nonnegative().default(0),
  /** How often the WAL's size and the free disk are read, in ms (cached in between), and early pruning runs. */
  checkIntervalMs: z.number().int().positive().default(1000),
  /**
   * Intake pauses (503 `disk_space_low`) while the WAL's file system has less free space than this
   * for the gateway's user (statfs `bavail`), before SQLite finds the disk full; it resumes once free
   * space is back above this divided by `resumeAtPercent`. Delivered events are pruned early
   * meanwhile. 0 turns the check off.
   */
  minFreeDiskBytes: z.number().int().nonnegative().default(1024 ** 3),
});
export type WalBudgetConfig = z.infer<typeof WalBudgetConfigSchema>;

/** Why intake is paused; `disk_full` lasts until a commit succeeds again. */
export type PauseReason = 'pending_events' | 'bytes' | 'pending_age' | 'disk_full' | 'disk_space_low';

export interface BudgetFigures {
  pendingEvents: number;
  bytes: number;
  diskFull: boolean;
  /** Free bytes on the WAL's file system for the gateway's user; undefined when not watched. */
  freeDiskBytes?: number;
  /**
   * Age of the oldest undelivered event in ms (0: none); how long the backlog would take to
   * forward at the last measured rate, in ms (0: no rate measured yet); whether Kafka takes events now.
   */
  pendingAgeMs?: number;
  drainMs?: number;
  forwarding?: boolean;
}

/** Delivered rows deleted per check under byte pressure: bounds how long one check holds the event loop. */
const EARLY_PRUNE_ROWS = 50_000;

/**
 * Pure: whether intake is paused, given the figures and whether it was paused before. It pauses at
 * the budget and resumes below the `resumeAtPercent` mark (hysteresis).
 */
export function pauseReason(f: BudgetFigures, config: WalBudgetConfig, current: PauseReason | undefined): PauseReason | undefined {
  if (f.diskFull) return 'disk_full';
  const free = f.freeDiskBytes ?? Number.POSITIVE_INFINITY;
  if (free < config.minFreeDiskBytes) return 'disk_space_low';
  if (f.pendingEvents >= config.maxPendingEvents) return 'pending_events';
  if (f.bytes >= config.maxBytes) return 'bytes';
  const ageCounts = config.maxPendingAgeMs > 0 && f.forwarding === true;
  const age = Math.max(f.pendingAgeMs ?? 0, f.drainMs ?? 0);
  if (ageCounts && age >= config.maxPendingAgeMs) return 'pending_age';
  if (current === undefined || current === 'disk_full') return undefined;
  if (current === 'disk_space_low' && free < diskResumeMark(config)) return 'disk_space_low';
  if (f.pendingEvents >= resumeMark(config.maxPendingEvents, config)) return 'pending_events';
  if (f.bytes >= resumeMark(config.maxBytes, config)) return 'bytes';
  if (ageCounts && age >= resumeMark(config.maxPendingAgeMs, config)) return 'pending_age';
  return undefined;
}

const resumeMark = (max: number, config: WalBudgetConfig) => Math.floor((max * config.resumeAtPercent) / 100);
/** Free disk bytes above which intake paused for `disk_space_low` resumes (the same hysteresis, upwards). */
const diskResumeMark = (config: WalBudgetConfig) => Math.ceil((config.minFreeDiskBytes * 100) / config.resumeAtPercent);


export interface WalBudgetDeps extends BacklogPaceDeps {
  wal: { usedBytes(): number };
  /** Frees space under byte pressure. */
  retention: { pruneEarly(maxRows: number): Promise<number> };
  log: Logger;
  /** A path on the WAL's file system (its directory), for statfs; unset: free disk is not watched. */
  diskPath?: string;
}

/**
 * Backpressure instead of a full disk. Each request is admitted or refused as a whole before it is
 * committed (a soft limit: a request under the budget is taken whole, so the backlog can overshoot
 * by the requests admitted in the same moment). The WAL's size is read every `checkIntervalMs`,
 * not per request. Under byte pressure (or once the disk was full) it asks retention to prune
 * finished events early, which shortens the duplicate-detection window: logged as a warning.
 */
export class WalBudget {
  readonly name = 'budget';
  private bytes = 0;
  private freeDisk: number | undefined;
  private diskFull = false;
  private checking = false;
  private readonly pace: BacklogPace;
  private paused: PauseReason | undefined;
  private underPressure = false;
  private pauses = 0;
  private resumes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: WalBudgetConfig,
    private readonly deps: WalBudgetDeps,
  ) {
    this.pace = new BacklogPace(deps);
    this.readFigures();
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.config.checkIntervalMs);
    this.timer.unref();
  }

  /** Idempotent: only the timer to clear. */
  async stop(): Promise<StopOutcome> {
    clearInterval(this.timer);
    return 'clean';
  }

  /** Per request, before committing. Throws GatewayError `wal_budget_exceeded` while intake is paused by the budget. */
  admit(): void {
    const reason = this.evaluate();
    if (reason === 'pending_events' || reason === 'bytes' || reason === 'pending_age') {
      throw new GatewayError('wal_budget_exceeded', this.describe(reason), { retryAfterSeconds: this.config.retryAfterSeconds });
    }
    if (reason === 'disk_space_low') {
      throw new GatewayError('disk_space_low', this.describe(reason), { retryAfterSeconds: this.config.retryAfterSeconds });
    }
    // disk_full: the request goes on to try its commit, which is what tells that space is back.
  }

  /**
   * A commit failed: a full disk pauses intake until a commit succeeds. Returns the error to give
   * the sender, with this budget's retry hint on a full disk.
   */
  commitFailed(err: unknown): unknown {
    if (!hasCode(err, 'wal_disk_full')) return err;
    if (!this.diskFull) {
      this.diskFull = true;
      this.evaluate();
    }
    return new GatewayError('wal_disk_full', err.message, { retryAfterSeconds: this.config.retryAfterSeconds, cause: err.cause });
  }

  commitSucceeded(): void {
    if (!this.diskFull) return;
    this.diskFull = false;
    this.evaluate();
  }

  /**
   * Reads the WAL's size and the free disk, prunes early under byte or disk pressure, and logs
   * pausing or resuming. Resolves once an early prune is done (checks never overlap).
   */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.readFigures();
      if (this.config.maxPendingAgeMs > 0) this.pace.measure();
      const diskLow = this.freeDisk !== undefined && this.freeDisk < diskResumeMark(this.config);
      const pressure = this.diskFull || diskLow || this.bytes >= resumeMark(this.config.maxBytes, this.config);
      if (pressure) {
        const n = await this.deps.retention.pruneEarly(EARLY_PRUNE_ROWS);
        if (n > 0 && !this.underPressure) {
          this.underPressure = true;
          this.deps.log.warn(
            { usedBytes: this.bytes, maxBytes: this.config.maxBytes, diskFull: this.diskFull, freeDiskBytes: this.freeDisk, pruned: n },
            'WAL under byte pressure: pruning delivered events before their retention period; duplicates of them are no longer recognised',
          );
        }
        if (n > 0) this.readFigures();
      } else {
        this.underPressure = false;
      }
      this.evaluate();
    } finally {
      this.checking = false;
    }
  }

  private readFigures(): void {
    this.bytes = this.deps.wal.usedBytes();
    if (this.deps.diskPath === undefined || this.config.minFreeDiskBytes === 0) return;
    try {
      const fs = statfsSync(this.deps.diskPath);
      this.freeDisk = fs.bavail * fs.bsize;
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message, path: this.deps.diskPath }, 'cannot read the free disk space');
    }
  }

  /** Side-effect free: the pause that the current figures mean, without logging or counting it. */
  health(): ComponentHealth {
    const pendingEvents = this.deps.ledger.pendingEvents;
    const reason = pauseReason(this.figures(pendingEvents), this.config, this.paused);
    return {
      intake: reason ? 'paused' : 'open',
      ...(reason ? { pausedBy: reason } : {}),
      pendingEvents,
      maxPendingEvents: this.config.maxPendingEvents,
      // The WAL's usedBytes as read at the last check (every checkIntervalMs): what the budget decides on.
      usedBytesAtCheck: this.bytes,
      maxBytes: this.config.maxBytes,
      ...(this.freeDisk !== undefined ? { freeDiskBytes: this.freeDisk, minFreeDiskBytes: this.config.minFreeDiskBytes } : {}),
      pendingAgeMsAtCheck: this.pace.pendingAgeMs(pendingEvents),
      drainMs: this.pace.drainMs(pendingEvents),
      forwardRatePerSec: this.pace.ratePerSec,
      maxPendingAgeMs: this.config.maxPendingAgeMs,
      resumeBelow: {
        pendingEvents: resumeMark(this.config.maxPendingEvents, this.config),
        usedBytes: resumeMark(this.config.maxBytes, this.config),
      },
      pauses: this.pauses,
      resumes: this.resumes,
    };
  }

  private figures(pendingEvents: number): BudgetFigures {
    return {
      pendingEvents,
      bytes: this.bytes,
      diskFull: this.diskFull,
      ...(this.freeDisk !== undefined ? { freeDiskBytes: this.freeDisk } : {}),
      pendingAgeMs: this.pace.pendingAgeMs(pendingEvents),
      drainMs: this.pace.drainMs(pendingEvents),
      forwarding: this.pace.forwarding,
    };
  }

  private evaluate(): PauseReason | undefined {
    const pendingEvents = this.deps.ledger.pendingEvents;
    const next = pauseReason(this.figures(pendingEvents), this.config, this.paused);
    if (next !== this.paused) {
      const figures = { pendingEvents, maxPendingEvents: this.config.maxPendingEvents, usedBytes: this.bytes, maxBytes: this.config.maxBytes };
      if (next && !this.paused) {
        this.pauses++;
        this.deps.log.warn({ reason: next, ...figures }, `intake paused: ${this.describe(next, pendingEvents)}`);
      } else if (!next) {
        this.resumes++;
        this.deps.log.info({ after: this.paused, ...figures }, 'intake resumed');
      } else {
        this.deps.log.warn({ reason: next, after: this.paused, ...figures }, `intake still paused: ${this.describe(next, pendingEvents)}`);
      }
      this.paused = next;
    }
    return next;
  }

  private describe(reason: PauseReason, pendingEvents = this.deps.ledger.pendingEvents): string {
    const c = this.config;
    switch (reason) {
      case 'pending_events':
        return `WAL budget reached: ${pendingEvents} events not yet delivered to Kafka (wal.budget.maxPendingEvents = ${c.maxPendingEvents}); intake resumes below ${resumeMark(c.maxPendingEvents, c)}`;
      case 'pending_age':
        return `intake paced to forwarding: the oldest undelivered event is ${this.pace.pendingAgeMs(pendingEvents)} ms old and the backlog needs ${this.pace.drainMs(pendingEvents)} ms to forward (wal.budget.maxPendingAgeMs = ${c.maxPendingAgeMs}); intake resumes below ${resumeMark(c.maxPendingAgeMs, c)} ms`;
      case 'bytes':
        return `WAL budget reached: the WAL uses ${this.bytes} bytes (wal.budget.maxBytes = ${c.maxBytes}); intake resumes below ${resumeMark(c.maxBytes, c)}`;
      case 'disk_space_low':
        return `free disk space is low: ${this.freeDisk} bytes free on the WAL's file system (wal.budget.minFreeDiskBytes = ${c.minFreeDiskBytes}); intake resumes above ${diskResumeMark(c)}`;
      case 'disk_full':
        return 'the WAL is full (disk or wal.maxFileBytes): commits fail until delivered events are pruned or space is freed';
    }
  }
}
