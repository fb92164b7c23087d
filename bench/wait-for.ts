export interface WaitOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** Consulted every round: an error it returns (say, the process being polled has exited) is thrown at once. */
  failFast?: () => Error | undefined;
  /**
   * Keep polling when `check` throws (a process being restarted on purpose refuses connections for
   * a while); the last error is named if the deadline passes. Otherwise an error is thrown at once.
   */
  retryErrors?: boolean;
}

/** Polls `check` until it returns a truthy value; throws, naming `what`, when the deadline passes. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 30_000, everyMs = 50, failFast, retryErrors = false } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const fatal = failFast?.();
    if (fatal) throw fatal;
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      if (!retryErrors) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last error: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
