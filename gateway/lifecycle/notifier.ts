/**
 * A wake-up signal for loops that wait on several things at once (new WAL rows, delivery
 * reports, breaker state). `wait` resolves on the next `notify` or after `timeoutMs`; a `notify`
 * while nobody waits is kept for the next `wait` (a loop that decided to wait a microtask before
 * it did would otherwise sleep through it). The loops re-check their state after every wake-up.
 */
export class Notifier {
  private waiters: Array<() => void> = [];
  private pending = false;

  notify(): void {
    if (this.waiters.length === 0) {
      this.pending = true;
      return;
    }
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        const i = self.waiters.indexOf(done);
        if (i >= 0) self.waiters.splice(i, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }
}
