import type { Logger } from 'pino';
import type { StopOutcome } from './component.js';

/** What a stopped gateway reports. */
export interface StopReport {
  outcome: StopOutcome;
  /** Components cut short by the deadline. */
  forced: string[];
}

export interface Stoppable {
  stop(deadline: number): Promise<StopReport>;
}

/**
 * The one way the process ends once it runs (in the spirit of close-with-grace). SIGTERM or SIGINT
 * stop the gateway by the deadline: exit 0 when the stop was clean, 1 when forced. A crash (an
 * uncaught exception, an unhandled rejection, or a component reporting it can no longer work)
 * takes the same stop, logged at `fatal`, and exits 1. A second signal, or the deadline passing
 * with the stop unfinished, exits 1 at once.
 */
export class ProcessSupervisor {
  private target: Stoppable | undefined;
  private stopping = false;
  /** Once set, the exit is non-zero whatever the stop reports (a crash before or during it). */
  private crashed = false;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => this.begin({ signal });
  private readonly onException = (err: unknown) => this.crash(err, 'uncaughtException');
  private readonly onRejection = (err: unknown) => this.crash(err, 'unhandledRejection');

  constructor(
    private readonly options: { deadlineMs: number; log: Logger; exit?: (code: number) => void },
  ) {}

  /** Handles signals and crashes from now on; before `attach`, either exits at once (nothing to drain yet). */
  install(): this {
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
    process.on('uncaughtException', this.onException);
    process.on('unhandledRejection', this.onRejection);
    return this;
  }

  /** Stops handling signals and crashes (for an embedding process, and tests). */
  uninstall(): void {
    process.off('SIGTERM', this.onSignal);
    process.off('SIGINT', this.onSignal);
    process.off('uncaughtException', this.onException);
    process.off('unhandledRejection', this.onRejection);
    clearTimeout(this.watchdog);
  }

  /** The running gateway, stopped by a signal or a crash. */
  attach(target: Stoppable): void {
    this.target = target;
  }

  /** A fault the gateway cannot work on from: stop as on SIGTERM (unless already stopping), then exit 1. */
  crash(err: unknown, origin: string): void {
    this.crashed = true;
    this.options.log.fatal({ err, origin }, 'crashed: stopping and exiting non-zero so the service manager restarts the gateway');
    this.begin({ crash: origin });
  }

  private begin(why: { signal?: NodeJS.Signals; crash?: string }): void {
    const { log, deadlineMs } = this.options;
    if (this.stopping) {
      if (why.signal) {
        log.error({ signal: why.signal }, 'second signal: exiting without draining');
        this.exit(1);
      }
      return; // a crash during the stop: it still runs to its end (or the watchdog's), then exits 1
    }
    this.stopping = true;
    if (!this.target) return this.exit(this.crashed ? 1 : 0);
    const deadline = Date.now() + deadlineMs;
    log.info({ ...why, deadlineMs }, 'draining');
    // Kept referenced: a stop that never settles must not let the process drift out with code 0.
    this.watchdog = setTimeout(() => {
      log.error({ deadlineMs }, 'drain deadline passed: exiting');
      this.exit(1);
    }, deadlineMs + 1000);
    this.target.stop(deadline).then(
      (report) => this.exit(this.crashed || report.outcome !== 'clean' ? 1 : 0),
      (err) => {
        log.error({ err }, 'drain failed');
        this.exit(1);
      },
    );
  }

  private exit(code: number): void {
    clearTimeout(this.watchdog);
    (this.options.exit ?? process.exit)(code);
  }
}
