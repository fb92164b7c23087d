import { STATUS_CODES, type ServerResponse } from 'node:http';
import { GatewayError, type ErrorKind } from '../../errors.js';

/** HTTP status of each error kind: the one mapping from domain errors to HTTP. */
const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  too_large: 413,
  headers_too_large: 431,
  timeout: 408,
  unsupported: 415,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unavailable: 503,
  rate_limited: 429,
  shutting_down: 503,
  internal: 500,
};

/** The status an error is answered with (500 for anything not a GatewayError). */
export function statusOf(err: unknown): number {
  return err instanceof GatewayError ? STATUS[err.kind] : 500;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * The one place an error becomes an HTTP response: `{ error: { code, message, details? } }`, with
 * `Retry-After` (seconds; 1 when the error names none) on every 503 and 429 and `Allow` on a 405. Anything
 * that is not a GatewayError is a 500 `internal_error` whose text stays in the log.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  if (!(err instanceof GatewayError)) {
    sendJson(res, 500, { error: { code: 'internal_error', message: 'internal error; see the gateway log' } });
    return;
  }
  const status = STATUS[err.kind];
  const headers: Record<string, string> = {};
  if (status === 503 || status === 429) headers['retry-after'] = String(err.retryAfterSeconds ?? 1);
  if (err.allowed) headers.allow = err.allowed.join(', ');
  if (status === 401) headers['www-authenticate'] = 'Bearer'; // RFC 6750 section 3
  sendJson(res, status, { error: { code: err.code, message: err.message, ...(err.details.length ? { details: err.details } : {}) } }, headers);
}

/**
 * The same answer as `sendError`, as the raw bytes of an HTTP/1.1 response that closes the
 * connection: for errors met before Node made a response object (see client-error.ts).
 */
export function rawErrorResponse(err: GatewayError): string {
  const status = STATUS[err.kind];
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}
