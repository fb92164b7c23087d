import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clientErrorOf } from './client-error.js';
import { rawErrorResponse } from './respond.js';

it("Node's parser errors map to the documented codes, as a complete closing HTTP response", () => {
  const error = (code: string) => Object.assign(new Error(code), { code });
  assert.equal(clientErrorOf(error('HPE_HEADER_OVERFLOW')).code, 'headers_too_large');
  assert.equal(clientErrorOf(error('ERR_HTTP_REQUEST_TIMEOUT')).code, 'request_timeout');
  assert.equal(clientErrorOf(error('HPE_INVALID_METHOD')).code, 'malformed_request');
  const raw = rawErrorResponse(clientErrorOf(error('HPE_HEADER_OVERFLOW')));
  const [head, body] = raw.split('\r\n\r\n');
  assert.match(head!, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.match(head!, /\r\nconnection: close$/);
  assert.equal(Number(/content-length: (\d+)/.exec(head!)![1]), Buffer.byteLength(body!));
  assert.equal(JSON.parse(body!).error.code, 'headers_too_large');
});
