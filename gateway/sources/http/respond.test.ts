import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { ERROR_CODES, GatewayError, type ErrorCode } from '../../errors.js';
import { sendError, statusOf } from './respond.js';

/** Just enough of a ServerResponse to see what sendError writes. */
function capture() {
  const out = { status: 0, headers: {} as Record<string, unknown>, body: '' };
  const res = {
    writeHead(status: number, headers: Record<string, unknown>) {
      out.status = status;
      out.headers = headers;
    },
    end(text: string) {
      out.body = text;
    },
  } as unknown as ServerResponse;
  return { res, out };
}

function answer(err: unknown) {
  const { res, out } = capture();
  sendError(res, err);
  return { ...out, json: JSON.parse(out.body) as { error: { code: string; message: string; details?: unknown[] } } };
}

describe('error responses: the one mapping from domain errors to HTTP', () => {
  it('maps every error code to the status of its kind', () => {
    const expected: Record<string, number> = {
      invalid: 400, too_large: 413, headers_too_large: 431, timeout: 408, unsupported: 415, unauthorized: 401, forbidden: 403, not_found: 404, method_not_allowed: 405,
      conflict: 409, unavailable: 503, rate_limited: 429, shutting_down: 503, internal: 500,
    };
    for (const [code, kind] of Object.entries(ERROR_CODES)) {
      const a = answer(new GatewayError(code as ErrorCode, 'm'));
      assert.equal(a.status, expected[kind], code);
      assert.equal(a.json.error.code, code);
      assert.equal(statusOf(new GatewayError(code as ErrorCode, 'm')), expected[kind]);
    }
  });

  it('a 503 or 429 carries the retry hint of its error as Retry-After, 1 s when it names none', () => {
    for (const [err, retryAfter] of [
      [new GatewayError('wal_budget_exceeded', 'WAL budget reached', { retryAfterSeconds: 3 }), '3'],
      [new GatewayError('wal_disk_full', 'WAL is full', { retryAfterSeconds: 5 }), '5'],
      [new GatewayError('shutting_down', 'bye'), '1'],
      [new GatewayError('rate_limited', 'over the rate', { retryAfterSeconds: 4 }), '4'],
      [new GatewayError('too_many_connections', 'too many'), '1'],
    ] as const) {
      const a = answer(err);
      assert.equal(a.status, err.kind === 'rate_limited' ? 429 : 503);
      assert.equal(a.headers['retry-after'], retryAfter);
    }
  });

  it('other statuses have no Retry-After; a 405 names the allowed methods; details are passed on', () => {
    const bad = answer(new GatewayError('malformed_json', 'not JSON', { details: [{ path: '$', code: 'malformed_json', message: 'x' }] }));
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['retry-after'], undefined);
    assert.deepEqual(bad.json.error.details, [{ path: '$', code: 'malformed_json', message: 'x' }]);
    const method = answer(new GatewayError('method_not_allowed', 'use POST', { allowed: ['POST'] }));
    assert.equal(method.status, 405);
    assert.equal(method.headers.allow, 'POST');
    const refused = answer(new GatewayError('unauthorized', 'wrong admin token'));
    assert.equal(refused.headers['www-authenticate'], 'Bearer', 'RFC 6750 section 3');
    assert.equal(bad.headers['www-authenticate'], undefined);
  });

  it('anything else is a 500 internal_error whose text stays out of the answer', () => {
    const a = answer(new Error('secret path /var/lib/x'));
    assert.equal(a.status, 500);
    assert.equal(a.json.error.code, 'internal_error');
    assert.doesNotMatch(a.body, /secret/);
  });
});
