/**
 * A wake-up signal for loops that wait on several things at once (new WAL rows, delivery
 * reports, breaker state). `wait` resolves on the next `notify` or after `timeoutMs`.
 */
export class Notifier {
  private waiters: Array<() => void> = [];

  notify(): void {
    if (this.waiters.length === 0) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  wait(timeoutMs: number): Promise<void> {
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
