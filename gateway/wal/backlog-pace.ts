/**
 * The backlog measured in time, for `wal.budget.maxPendingAgeMs`: how old the oldest undelivered
 * event is, and how long the backlog would take to forward at the rate forwarding last managed.
 * Read once per budget check (not per request); pure arithmetic in between.
 */
export interface BacklogPaceDeps {
  /** Events in the WAL not yet finished, how many were ever finished, and when the oldest pending one was received (epoch ms). */
  ledger: { readonly pendingEvents: number; readonly finishedEvents?: number; oldestPendingReceivedAt?(): number | undefined };
  /** Whether Kafka takes events now (connected, breaker closed): a rate is measured only then. */
  forwarding?: () => boolean;
  now?: () => number;
}

export class BacklogPace {
  /** `received_at` of the oldest undelivered event as read at the last check (epoch ms). */
  private oldestPendingAt: number | undefined;
  /** Events/s forwarding last managed over a check interval that had a backlog throughout (0: not yet measured). */
  private forwardRate = 0;
  private lastCheck = { at: 0, finished: 0, pending: 0 };

  constructor(private readonly deps: BacklogPaceDeps) {
    this.oldestPendingAt = deps.ledger.oldestPendingReceivedAt?.();
  }

  /** Whether Kafka takes events now: the age budget applies only then (during an outage the WAL buffers). */
  get forwarding(): boolean {
    return this.deps.forwarding?.() ?? false;
  }

  /**
   * Reads the oldest undelivered event's time and the forwarding rate. The rate is taken only over
   * an interval with a backlog at both ends (what forwarding can do, not what it was offered) and
   * kept until the next such interval.
   */
  measure(): void {
    const { ledger } = this.deps;
    this.oldestPendingAt = ledger.oldestPendingReceivedAt?.();
    const now = this.now();
    const finished = ledger.finishedEvents ?? 0;
    const pending = ledger.pendingEvents;
    const dt = now - this.lastCheck.at;
    if (this.lastCheck.at > 0 && dt > 0 && this.lastCheck.pending > 0 && pending > 0 && this.forwarding) {
      const rate = ((finished - this.lastCheck.finished) * 1000) / dt;
      this.forwardRate = this.forwardRate === 0 ? rate : (this.forwardRate + rate) / 2;
    }
    this.lastCheck = { at: now, finished, pending };
  }

  /**
   * The oldest undelivered event's age in ms: `received_at` as read at the last check, against now
   * (so it grows between checks while nothing is delivered; once the cursor moves it is an
   * overestimate until the next check). 0 with nothing pending.
   */
  pendingAgeMs(pendingEvents: number): number {
    if (pendingEvents <= 0 || this.oldestPendingAt === undefined) return 0;
    return Math.max(0, this.now() - this.oldestPendingAt);
  }

  /** How long the backlog would take to forward at the measured rate, in ms; 0 before a rate is known. */
  drainMs(pendingEvents: number): number {
    if (this.forwardRate <= 0 || pendingEvents <= 0) return 0;
    return Math.round((pendingEvents * 1000) / this.forwardRate);
  }

  /** Events/s forwarding last managed with a backlog (0: not yet measured). */
  get ratePerSec(): number {
    return Math.round(this.forwardRate);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
