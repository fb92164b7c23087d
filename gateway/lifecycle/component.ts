/**
 * What the composition root asks of every long-lived part of the gateway. It starts them in order
 * and stops them in reverse (Vector's shutdown: begin, complete by a deadline, force).
 */

/** How a stop ended: everything finished, or the deadline cut work short. */
export type StopOutcome = 'clean' | 'forced';

/** A component's own figures for /health/ready; `ready: false` makes the whole gateway unready. */
export type ComponentHealth = { ready?: boolean } & Record<string, unknown>;

export interface Component {
  /** Its section in /health/ready and in the stop report. */
  readonly name: string;
  start(): void | Promise<void>;
  /**
   * Finishes what is in progress by `deadline` (epoch ms), then releases everything; `forced` when
   * the deadline cut work short. Idempotent: a second call changes nothing. Should not reject (the
   * composition root counts a rejection as `forced`).
   */
  stop(deadline: number): Promise<StopOutcome>;
  health(): ComponentHealth;
}

/**
 * Wraps a stop function so that every call returns the first call's promise, and a rejection
 * counts as `forced` (reported through `onError`) rather than escaping the shutdown.
 */
export function stopOnce(
  stop: (deadline: number) => Promise<StopOutcome> | StopOutcome,
  onError: (err: unknown) => void,
): (deadline: number) => Promise<StopOutcome> {
  let stopping: Promise<StopOutcome> | undefined;
  return (deadline) =>
    (stopping ??= (async () => {
      try {
        return await stop(deadline);
      } catch (err) {
        onError(err);
        return 'forced' as const;
      }
    })());
}

/** Resolves at `deadline` (epoch ms) without holding the process open; `true` once it has passed. */
export function untilDeadline(deadline: number): Promise<true> {
  return new Promise((resolve) => setTimeout(() => resolve(true), Math.max(0, deadline - Date.now())).unref());
}
