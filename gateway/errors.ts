/**
 * Typed errors with stable codes. The HTTP source maps them to responses in one place
 * (sources/http/respond.ts); the forwarder uses `retryable` to decide retry vs dead letter.
 */
export interface FieldError {
  /** JSON path inside the event, e.g. `$.payload.price`, or `$` for the whole event. */
  path: string;
  code: string;
  message: string;
}

export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly details: FieldError[] = [],
    /** For 503s: when the sender should try again (the HTTP `Retry-After` header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** The request itself is unusable (malformed, too large, wrong type): nothing of it is stored. */
export class BadRequestError extends GatewayError {
  constructor(code: string, message: string, status = 400, details: FieldError[] = []) {
    super(code, message, status, details);
    this.name = 'BadRequestError';
  }
}

/** The WAL could not commit (disk full, I/O error): the sender should retry later. */
export class WalUnavailableError extends GatewayError {
  constructor(message: string, override readonly cause?: unknown) {
    super('wal_unavailable', message, 503);
    this.name = 'WalUnavailableError';
  }
}

/** The WAL could not commit because the disk (or `wal.maxFileBytes`) is full: nothing of the group is stored. */
export class WalDiskFullError extends GatewayError {
  constructor(message: string, retryAfterSeconds: number, override readonly cause?: unknown) {
    super('wal_disk_full', message, 503, [], retryAfterSeconds);
    this.name = 'WalDiskFullError';
  }
}

/** Intake is paused: the undelivered backlog or the WAL's size is at its budget (`wal.budget`). */
export class WalBudgetExceededError extends GatewayError {
  constructor(message: string, retryAfterSeconds: number) {
    super('wal_budget_exceeded', message, 503, [], retryAfterSeconds);
    this.name = 'WalBudgetExceededError';
  }
}

/** Start-up configuration is invalid; `problems` lists every problem by key path. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
