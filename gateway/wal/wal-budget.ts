import type { Logger } from 'pino';
import { z } from 'zod';
import { GatewayError, hasCode } from '../errors.js';
import type { ComponentHealth, StopOutcome } from '../lifecycle/component.js';

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
  /** How often the WAL's size is read, in ms (it is cached in between), and early pruning runs. */
  checkIntervalMs: z.number().int().positive().default(1000),
});
export type WalBudgetConfig = z.infer<typeof WalBudgetConfigSchema>;

/** Why intake is paused; `disk_full` lasts until a commit succeeds again. */
export type PauseReason = 'pending_events' | 'bytes' | 'pending_age' | 'disk_full';

export interface BudgetFigures {
  pendingEvents: number;
  bytes: number;
  diskFull: boolean;
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
  if (f.pendingEvents >= config.maxPendingEvents) return 'pending_events';
  if (f.bytes >= config.maxBytes) return 'bytes';
  const ageCounts = config.maxPendingAgeMs > 0 && f.forwarding === true;
  const age = Math.max(f.pendingAgeMs ?? 0, f.drainMs ?? 0);
  if (ageCounts && age >= config.maxPendingAgeMs) return 'pending_age';
  if (current === undefined || current === 'disk_full') return undefined;
  if (f.pendingEvents >= resumeMark(config.maxPendingEvents, config)) return 'pending_events';
  if (f.bytes >= resumeMark(config.maxBytes, config)) return 'bytes';
  if (ageCounts && age >= resumeMark(config.maxPendingAgeMs, config)) return 'pending_age';
  return undefined;
}

const resumeMark = (max: number, config: WalBudgetConfig) => Math.floor((max * config.resumeAtPercent) / 100);


export interface WalBudgetDeps {
  wal: { usedBytes(): number };
  /** Events in the WAL not yet finished, and when the oldest of them was received (epoch ms). */
  ledger: { readonly pendingEvents: number; readonly finishedEvents?: number; oldestPendingReceivedAt?(): number | undefined };
  /** Whether Kafka takes events now (connected, breaker closed): the age budget applies only then. */
  forwarding?: () => boolean;
  now?: () => number;
  /** Frees space under byte pressure. */
  retention: { pruneEarly(maxRows: number): number };
  log: Logger;
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
  private diskFull = false;
  /** `received_at` of the oldest undelivered event as read at the last check (epoch ms). */
  private oldestPendingAt: number | undefined;
  /** Events/s forwarding last managed over a check interval that had a backlog throughout (0: not yet measured). */
  private forwardRate = 0;
  private lastCheck = { at: 0, finished: 0, pending: 0 };
  private paused: PauseReason | undefined;
  private underPressure = false;
  private pauses = 0;
  private resumes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: WalBudgetConfig,
    private readonly deps: WalBudgetDeps,
  ) {
    this.bytes = deps.wal.usedBytes();
    this.oldestPendingAt = deps.ledger.oldestPendingReceivedAt?.();
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.config.checkIntervalMs);
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

  /** Reads the WAL's size, prunes early under byte pressure, and logs pausing or resuming. */
  check(): void {
    this.bytes = this.deps.wal.usedBytes();
    if (this.config.maxPendingAgeMs > 0) this.measureForwarding();
    const pressure = this.diskFull || this.bytes >= resumeMark(this.config.maxBytes, this.config);
    if (pressure) {
      const n = this.deps.retention.pruneEarly(EARLY_PRUNE_ROWS);
      if (n > 0 && !this.underPressure) {
        this.underPressure = true;
        this.deps.log.warn(
          { usedBytes: this.bytes, maxBytes: this.config.maxBytes, diskFull: this.diskFull, pruned: n },
          'WAL under byte pressure: pruning delivered events before their retention period; duplicates of them are no longer recognised',
        );
      }
      if (n > 0) this.bytes = this.deps.wal.usedBytes();
    } else {
      this.underPressure = false;
    }
    this.evaluate();
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
      pendingAgeMsAtCheck: this.pendingAgeMs(pendingEvents),
      drainMs: this.drainMs(pendingEvents),
      forwardRatePerSec: Math.round(this.forwardRate),
      maxPendingAgeMs: this.config.maxPendingAgeMs,
      resumeBelow: {
        pendingEvents: resumeMark(this.config.maxPendingEvents, this.config),
        usedBytes: resumeMark(this.config.maxBytes, this.config),
        pendingAgeMs: resumeMark(this.config.maxPendingAgeMs, this.config),
      },
      pauses: this.pauses,
      resumes: this.resumes,
    };
  }

  /**
   * The oldest undelivered event's age: `received_at` as read at the last check, against now (so it
   * grows between checks while nothing is delivered; once the cursor moves it is an overestimate
   * until the next check). 0 with nothing pending.
   */
  private pendingAgeMs(pendingEvents: number): number {
    if (pendingEvents <= 0 || this.oldestPendingAt === undefined) return 0;
    return Math.max(0, (this.deps.now ?? Date.now)() - this.oldestPendingAt);
  }

  /**
   * Reads the oldest undelivered event's time and the forwarding rate. The rate is taken only over
   * an interval with a backlog at both ends (what forwarding can do, not what it was offered) and
   * kept until the next such interval.
   */
  private measureForwarding(): void {
    const { ledger } = this.deps;
    this.oldestPendingAt = ledger.oldestPendingReceivedAt?.();
    const now = (this.deps.now ?? Date.now)();
    const finished = ledger.finishedEvents ?? 0;
    const pending = ledger.pendingEvents;
    const dt = now - this.lastCheck.at;
    if (this.lastCheck.at > 0 && dt > 0 && this.lastCheck.pending > 0 && pending > 0 && (this.deps.forwarding?.() ?? false)) {
      const rate = ((finished - this.lastCheck.finished) * 1000) / dt;
      this.forwardRate = this.forwardRate === 0 ? rate : (this.forwardRate + rate) / 2;
    }
    this.lastCheck = { at: now, finished, pending };
  }

  /** How long the backlog would take to forward at the measured rate, in ms; 0 before a rate is known. */
  private drainMs(pendingEvents: number): number {
    if (this.forwardRate <= 0 || pendingEvents <= 0) return 0;
    return Math.round((pendingEvents * 1000) / this.forwardRate);
  }

  private figures(pendingEvents: number): BudgetFigures {
    return {
      pendingEvents,
      bytes: this.bytes,
      diskFull: this.diskFull,
      pendingAgeMs: this.pendingAgeMs(pendingEvents),
      drainMs: this.drainMs(pendingEvents),
      forwarding: this.deps.forwarding?.() ?? false,
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
        return `intake paced to forwarding: the oldest undelivered event is ${this.pendingAgeMs(pendingEvents)} ms old and the backlog needs ${this.drainMs(pendingEvents)} ms to forward (wal.budget.maxPendingAgeMs = ${c.maxPendingAgeMs}); intake resumes below ${resumeMark(c.maxPendingAgeMs, c)} ms`;
      case 'bytes':
        return `WAL budget reached: the WAL uses ${this.bytes} bytes (wal.budget.maxBytes = ${c.maxBytes}); intake resumes below ${resumeMark(c.maxBytes, c)}`;
      case 'disk_full':
        return 'the WAL is full (disk or wal.maxFileBytes): commits fail until delivered events are pruned or space is freed';
    }
  }
}
