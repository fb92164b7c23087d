import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { GatewayError, WalBudgetExceededError, WalDiskFullError } from '../../errors.js';
import { sendError } from './respond.js';

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

describe('error responses', () => {
  it('a 503 carries the Retry-After of its error, 1 s when it names none', () => {
    for (const [err, code, retryAfter] of [
      [new WalBudgetExceededError('WAL budget reached: ...', 3), 'wal_budget_exceeded', '3'],
      [new WalDiskFullError('WAL is full', 5), 'wal_disk_full', '5'],
      [new GatewayError('shutting_down', 'bye', 503), 'shutting_down', '1'],
    ] as const) {
      const { res, out } = capture();
      sendError(res, err);
      assert.equal(out.status, 503);
      assert.equal(out.headers['retry-after'], retryAfter);
      assert.equal(JSON.parse(out.body).error.code, code);
    }
  });

  it('other statuses have no Retry-After', () => {
    const { res, out } = capture();
    sendError(res, new GatewayError('empty_batch', 'no events', 400));
    assert.equal(out.status, 400);
    assert.equal(out.headers['retry-after'], undefined);
  });
});
