import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ComponentHealth, StopOutcome } from './component.js';

/** Sampling resolution of the event-loop delay histogram, in ms. */
const RESOLUTION_MS = 10;

export interface EventLoopDelayFigures {
  /** Length of the window the figures cover, in ms (the last complete one; the current one until the first completes). */
  windowMs: number;
  /** Event-loop delay percentiles and maximum in the window, in ms: how late a timer due now would run. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The longest delay seen since start, in ms, and when (ISO 8601, UTC). */
  worstMs: number;
  worstAt: string | null;
}

/**
 * How long the event loop is held (Node's `perf_hooks.monitorEventLoopDelay`): every request, every
 * delivery report and every commit waits behind whatever holds it. /health/ready shows the last
 * `windowMs` window's percentiles and the worst delay since start. Figures only; it never makes the
 * gateway unready.
 */
export class EventLoopMonitor {
  readonly name = 'eventLoop';
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timer: NodeJS.Timeout | undefined;
  private last: Omit<EventLoopDelayFigures, 'worstMs' | 'worstAt'> | undefined;
  private windowStart = Date.now();
  private worstMs = 0;
  private worstAt: number | undefined;

  constructor(private readonly config: { windowMs: number } = { windowMs: 10_000 }) {}

  start(): void {
    this.histogram.enable();
    this.windowStart = Date.now();
    this.timer = setInterval(() => this.roll(), this.config.windowMs).unref();
  }

  async stop(): Promise<StopOutcome> {
    clearInterval(this.timer);
    this.histogram.disable();
    return 'clean';
  }

  health(): ComponentHealth {
    const current = this.figures(Date.now() - this.windowStart);
    const shown = this.last ?? current;
    const worstMs = Math.max(this.worstMs, current.maxMs);
    const worstAt = worstMs > this.worstMs ? Date.now() : this.worstAt;
    return { delayMs: { ...shown, worstMs, worstAt: worstAt === undefined ? null : new Date(worstAt).toISOString() } };
  }

  private roll(): void {
    const window = this.figures(Date.now() - this.windowStart);
    if (window.maxMs > this.worstMs) {
      this.worstMs = window.maxMs;
      this.worstAt = Date.now();
    }
    this.last = window;
    this.histogram.reset();
    this.windowStart = Date.now();
  }

  /** The histogram reports ns and includes the sampling timer's own period: subtract it. */
  private figures(windowMs: number): Omit<EventLoopDelayFigures, 'worstMs' | 'worstAt'> {
    const h = this.histogram;
    const ms = (ns: number) => (h.count === 0 ? 0 : Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10));
    return { windowMs, p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
  }
}
