/**
 * Pure: exponential backoff with full jitter. `next()` gives the delay before the n-th
 * consecutive retry; `reset()` after a success. `random` is injectable for tests.
 */
export class RetryBackoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    // Half fixed, half random: spreads retries without ever retrying at once.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
