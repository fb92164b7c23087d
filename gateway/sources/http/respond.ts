import type { ServerResponse } from 'node:http';
import { GatewayError } from '../../errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The one place an error becomes an HTTP response: `{ error: { code, message, details? } }`. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof GatewayError) {
    sendJson(res, err.status, {
      error: { code: err.code, message: err.message, ...(err.details.length ? { details: err.details } : {}) },
    }, err.status === 503 ? { 'retry-after': String(err.retryAfterSeconds ?? 1) } : {});
    return;
  }
  sendJson(res, 500, { error: { code: 'internal_error', message: 'internal error; see the gateway log' } });
}
