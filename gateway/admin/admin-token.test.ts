import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hasCode } from '../errors.js';
import { AdminToken } from './admin-token.js';

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } });

it('takes only the configured bearer token', () => {
  const t = new AdminToken('s3cret-token');
  assert.doesNotThrow(() => t.check(req('Bearer s3cret-token')));
  assert.doesNotThrow(() => t.check(req('bearer s3cret-token')), 'the scheme is case-insensitive (RFC 7235 section 2.1)');
  for (const bad of [undefined, '', 'Bearer', 'Basic czNjcmV0LXRva2Vu', 'Bearer s3cret-tokeN', 'Bearer s3cret-token2', 'Bearer s3cret']) {
    assert.throws(() => t.check(req(bad)), (e) => hasCode(e, 'unauthorized'), String(bad));
  }
});

it('refuses every mutating call when no token is configured', () => {
  const t = new AdminToken(undefined);
  assert.equal(t.configured, false);
  assert.throws(() => t.check(req('Bearer anything')), (e) => hasCode(e, 'admin_token_not_configured'));
});
