import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import { contentCoding } from './content-coding.js';

describe('Content-Encoding of a request body', () => {
  it('knows none, identity, gzip, x-gzip and deflate', () => {
    assert.equal(contentCoding(undefined), 'identity');
    assert.equal(contentCoding('identity'), 'identity');
    assert.equal(contentCoding('GZIP'), 'gzip');
    assert.equal(contentCoding('x-gzip'), 'gzip');
    assert.equal(contentCoding('deflate'), 'deflate');
  });

  it('refuses any other coding, or two, with 415 naming it', () => {
    for (const header of ['br', 'zstd', 'compress', 'gzip, gzip', 'gzip, br']) {
      assert.throws(
        () => contentCoding(header),
        (err: GatewayError) => err.code === 'unsupported_content_encoding' && err.message.includes(`'${header}'`),
        header,
      );
    }
  });
});
