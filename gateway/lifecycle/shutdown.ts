import type { Logger } from 'pino';

/**
 * On the first SIGTERM or SIGINT, runs `close(deadline)` and exits 0 when it finishes in time;
 * at the deadline, or on a second signal, exits 1 at once.
 */
export function exitOnSignals(close: (deadline: number) => Promise<void>, options: { deadlineMs: number; log: Logger }): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      options.log.error({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    closing = true;
    const deadline = Date.now() + options.deadlineMs;
    options.log.info({ signal, deadlineMs: options.deadlineMs }, 'draining');
    setTimeout(() => {
      options.log.error('drain deadline passed: exiting');
      process.exit(1);
    }, options.deadlineMs + 1000).unref();
    close(deadline).then(
      () => {
        if (Date.now() <= deadline) process.exit(0);
        options.log.error('drained only after the deadline (work in progress was cut short)');
        process.exit(1);
      },
      (err) => {
        options.log.error({ err }, 'drain failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
