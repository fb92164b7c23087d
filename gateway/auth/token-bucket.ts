/**
 * A token bucket per sender for events per second. A request takes all its events at once and may
 * leave the bucket in debt, so a request larger than the burst still passes once the bucket is
 * full and the long-run rate stays `ratePerSecond`; while in debt every request is refused.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  /** `ratePerSecond` events/s refilled, up to `burst` events held. `now` in ms (injectable for tests). */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Whole events the bucket holds now (0 when empty or in debt): what a source that can wait (FIX) may take in. */
  available(): number {
    this.refill();
    return Math.max(0, Math.floor(this.tokens));
  }

  /** Takes `n` events whatever the bucket holds (it may go into debt): for events already stored. */
  charge(n: number): void {
    this.refill();
    this.tokens -= n;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.ratePerSecond);
    this.at = t;
  }

  /** Takes `n` events: 0 when taken, else the seconds (>= 1, whole) until a request can pass. */
  take(n: number): number {
    this.refill();
    if (this.tokens <= 0) return Math.max(1, Math.ceil(-this.tokens / this.ratePerSecond));
    this.tokens -= n;
    return 0;
  }
}
