/**
 * Slows down repeated failed authentications from one address: after `afterFailures` failures
 * within `windowMs`, each further refusal is answered only after a delay that doubles per failure
 * (100 ms, 200 ms, ... up to `maxDelayMs`). A success from the address forgives it. Bounded: at
 * most `maxAddresses` are remembered (the oldest forgotten first).
 */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly config: { afterFailures: number; maxDelayMs: number; windowMs: number },
    private readonly now: () => number = Date.now,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Records a failure from `address`; returns the delay (ms) before answering it. */
  failed(address: string): number {
    const t = this.now();
    let f = this.failures.get(address);
    if (!f || t - f.since > this.config.windowMs) f = { count: 0, since: t };
    f.count++;
    this.failures.delete(address); // re-insert: Map order is the eviction order
    this.failures.set(address, f);
    if (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
    const over = f.count - this.config.afterFailures;
    return over <= 0 ? 0 : Math.min(this.config.maxDelayMs, 100 * 2 ** Math.min(over - 1, 20));
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  /** Addresses with failures remembered. */
  get size(): number {
    return this.failures.size;
  }
}
