/**
 * The CLI's exit codes, the same for every command (README: "The edge-gateway command"):
 * scripts and systemd `ExecStartPre=`/`ExecCondition=` tell outcomes apart by them.
 */
export const EXIT = {
  /** Done; for `health`: the gateway is ready. */
  ok: 0,
  /** The gateway answered no: not ready, a conflict, an error of its own, a 503. */
  failed: 1,
  /** Wrong usage, or an invalid configuration (`check-config`, `start`). */
  usage: 2,
  /** The admin listener could not be reached (not running, wrong address, timed out). */
  unreachable: 3,
  /** What was asked for does not exist (an eventId or a dead letter). */
  notFound: 4,
  /** Refused: no token, a wrong token, or no token configured on the gateway. */
  refused: 5,
} as const;

/** An error that ends the command with `exitCode` after printing `message` to stderr. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code for an admin listener's HTTP status. */
export function exitForStatus(status: number): number {
  if (status >= 200 && status < 300) return EXIT.ok;
  if (status === 401 || status === 403) return EXIT.refused;
  if (status === 404) return EXIT.notFound;
  if (status === 400 || status === 413) return EXIT.usage;
  return EXIT.failed;
}
