/**
 * Typed errors with stable codes and no transport. A code belongs to one kind; the HTTP source
 * maps kinds to statuses in one place (sources/http/respond.ts), and the FIX source will map the
 * same errors to its own messages. No error body is built anywhere else.
 */

/** One problem with one event, e.g. `{ path: '$.payload.price', code: 'invalid_type', message }`. */
export interface FieldError {
  /** JSON path inside the event (RFC 9535 normalized-path style), or `$` for the whole event. */
  path: string;
  code: string;
  message: string;
}

/**
 * What an error means to the sender:
 * - `invalid`: the request is unusable as sent; nothing of it is stored; do not retry unchanged.
 * - `too_large`: over a configured limit (bytes or events).
 * - `headers_too_large`: the request's header section is over Node's limit (`--max-http-header-size`).
 * - `timeout`: the request's headers or body did not arrive in time (http.headersTimeoutMs, requestTimeoutMs).
 * - `unsupported`: a format or encoding the gateway does not take.
 * - `unauthorized`: a mutating admin call, or intake with `auth.senders`, without a right bearer token; nothing changed.
 * - `forbidden`: refused whoever asks (e.g. mutating admin calls with no token configured).
 * - `not_found`, `method_not_allowed`, `conflict`: about the resource asked for.
 * - `unavailable`: nothing stored; retry later (`retryAfterSeconds` says when).
 * - `rate_limited`: this sender is over its own limit (auth.senders); nothing stored; retry after `retryAfterSeconds`.
 * - `shutting_down`: this instance takes no new work; retry against another or later.
 * - `internal`: a fault of the gateway's own.
 */
export type ErrorKind =
  | 'invalid'
  | 'too_large'
  | 'headers_too_large'
  | 'timeout'
  | 'unsupported'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unavailable'
  | 'rate_limited'
  | 'shutting_down'
  | 'internal';

/** Every request-level error code, defined once, with its kind. */
export const ERROR_CODES = {
  malformed_json: 'invalid',
  empty_batch: 'invalid',
  body_read_failed: 'invalid',
  invalid_query: 'invalid',
  malformed_url: 'invalid',
  invalid_replay: 'invalid',
  malformed_request: 'invalid',
  invalid_utf8: 'invalid',
  malformed_content_encoding: 'invalid',
  body_too_large: 'too_large',
  too_many_events: 'too_large',
  replay_too_large: 'too_large',
  unsupported_media_type: 'unsupported',
  unauthorized: 'unauthorized',
  unauthenticated: 'unauthorized',
  admin_token_not_configured: 'forbidden',
  unsupported_charset: 'unsupported',
  unsupported_content_encoding: 'unsupported',
  headers_too_large: 'headers_too_large',
  request_timeout: 'timeout',
  not_found: 'not_found',
  event_not_found: 'not_found',
  dead_letter_not_found: 'not_found',
  schema_not_found: 'not_found',
  method_not_allowed: 'method_not_allowed',
  already_redriven: 'conflict',
  event_in_log_again: 'conflict',
  wal_budget_exceeded: 'unavailable',
  wal_disk_full: 'unavailable',
  disk_space_low: 'unavailable',
  wal_unavailable: 'unavailable',
  intake_paused: 'unavailable',
  dead_letter_not_recorded: 'unavailable',
  class_queue_full: 'unavailable',
  intake_busy: 'unavailable',
  rate_limited: 'rate_limited',
  too_many_connections: 'rate_limited',
  shutting_down: 'shutting_down',
  internal_error: 'internal',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface GatewayErrorOptions {
  /** Per-field problems, e.g. of a malformed body. */
  details?: readonly FieldError[];
  /** For `unavailable` and `rate_limited`: when the sender should try again, in seconds. */
  retryAfterSeconds?: number;
  /** For `method_not_allowed`: the methods the resource takes. */
  allowed?: readonly string[];
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly details: readonly FieldError[];
  readonly retryAfterSeconds: number | undefined;
  readonly allowed: readonly string[] | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.kind = ERROR_CODES[code];
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.allowed = options.allowed;
  }
}

/** True for a GatewayError with this code. */
export function hasCode(err: unknown, code: ErrorCode): err is GatewayError {
  return err instanceof GatewayError && err.code === code;
}

/** Start-up configuration is invalid; `problems` lists every problem by key path. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
