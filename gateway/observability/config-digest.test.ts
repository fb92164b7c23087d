import assert from 'node:assert/strict';
import { it } from 'node:test';
import { configDigest } from './config-digest.js';

it('the digest ignores key order and undefined keys, and changes with any value', () => {
  const a = configDigest({ http: { listen: '127.0.0.1:8080', maxBodyBytes: 1 }, gatewayId: 'g', x: undefined });
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(configDigest({ gatewayId: 'g', http: { maxBodyBytes: 1, listen: '127.0.0.1:8080' } }), a);
  assert.notEqual(configDigest({ gatewayId: 'g', http: { maxBodyBytes: 2, listen: '127.0.0.1:8080' } }), a);
  assert.notEqual(configDigest({ gatewayId: 'g', http: { listen: '127.0.0.1:8080', maxBodyBytes: 1 }, topics: [] }), a);
});
