import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import { decodeUtf8, firstInvalidUtf8 } from './utf8.js';

describe('strict UTF-8 decoding', () => {
  it('decodes UTF-8 and drops one leading byte order mark', () => {
    assert.equal(decodeUtf8(Buffer.from('{"a":"é€😀"}')), '{"a":"é€😀"}');
    assert.equal(decodeUtf8(Buffer.from('\uFEFF{"a":1}')), '{"a":1}');
  });

  it('refuses a Latin-1 byte with 400 invalid_utf8 and the byte offset', () => {
    const body = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.of(0xe9), Buffer.from('"}')]);
    assert.throws(() => decodeUtf8(body), (err: GatewayError) => err.code === 'invalid_utf8' && /byte offset 12 \(0xE9\)/.test(err.message));
  });

  it('finds the first ill-formed sequence of every kind (RFC 3629 section 4)', () => {
    const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from([0x61, ...bytes]));
    assert.equal(at(0x80), 1, 'stray continuation byte');
    assert.equal(at(0xc0, 0xaf), 1, 'overlong two-byte form');
    assert.equal(at(0xe0, 0x80, 0xaf), 1, 'overlong three-byte form');
    assert.equal(at(0xed, 0xa0, 0x80), 1, 'encoded surrogate (CESU-8)');
    assert.equal(at(0xf4, 0x90, 0x80, 0x80), 1, 'above U+10FFFF');
    assert.equal(at(0xf5, 0x80, 0x80, 0x80), 1, 'byte never used');
    assert.equal(at(0xe2, 0x82), 1, 'cut off by the end');
    assert.equal(at(0xe2, 0x82, 0xac, 0x61, 0xff), 5, 'after a good sequence');
    assert.equal(at(0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80), -1);
  });
});
