import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import { statusOf } from './respond.js';
import { bodyFormat, parseEvents } from './parse-events.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return `${statusOf(err)} ${err.code}`;
  }
  assert.fail('expected an error');
};

describe('request body parsing', () => {
  it('knows JSON and NDJSON content types, with parameters, and refuses others with 415', () => {
    assert.equal(bodyFormat('application/json'), 'json');
    assert.equal(bodyFormat('Application/JSON; charset=utf-8'), 'json');
    assert.equal(bodyFormat('application/x-ndjson'), 'ndjson');
    assert.equal(code(() => bodyFormat('text/plain')), '415 unsupported_media_type');
    assert.equal(code(() => bodyFormat(undefined)), '415 unsupported_media_type');
  });

  it('takes one object or an array', () => {
    assert.deepEqual(parseEvents('{"a":1}', 'json', 10), [{ a: 1 }]);
    assert.deepEqual(parseEvents('[{"a":1},{"a":2}]', 'json', 10), [{ a: 1 }, { a: 2 }]);
    assert.equal(code(() => parseEvents('"x"', 'json', 10)), '400 malformed_json');
    assert.equal(code(() => parseEvents('null', 'json', 10)), '400 malformed_json');
    assert.equal(code(() => parseEvents('{', 'json', 10)), '400 malformed_json');
  });

  it('takes NDJSON lines, skipping blank ones and tolerating CRLF', () => {
    assert.deepEqual(parseEvents('{"a":1}\r\n\n{"a":2}', 'ndjson', 10), [{ a: 1 }, { a: 2 }]);
    assert.equal(code(() => parseEvents('{"a":1}\nnope\n', 'ndjson', 10)), '400 malformed_json');
  });

  it('refuses empty batches and batches over the limit', () => {
    assert.equal(code(() => parseEvents('[]', 'json', 10)), '400 empty_batch');
    assert.equal(code(() => parseEvents('[1,2,3]', 'json', 2)), '413 too_many_events');
  });
});
