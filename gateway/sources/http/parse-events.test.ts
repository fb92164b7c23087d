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
const limits = (maxEvents = 10, maxDepth = 64) => ({ maxEvents, maxDepth });
const values = (body: string, format: 'json' | 'ndjson' = 'json') => parseEvents(body, format, limits()).map((s) => s.value);

describe('request body parsing', () => {
  it('knows JSON and NDJSON content types, with parameters, and refuses others with 415', () => {
    assert.equal(bodyFormat('application/json'), 'json');
    assert.equal(bodyFormat('Application/JSON; charset=utf-8'), 'json');
    assert.equal(bodyFormat('application/json; charset="UTF-8"'), 'json');
    assert.equal(bodyFormat('application/x-ndjson'), 'ndjson');
    assert.equal(code(() => bodyFormat('text/plain')), '415 unsupported_media_type');
    assert.equal(code(() => bodyFormat(undefined)), '415 unsupported_media_type');
  });

  it('refuses any declared charset other than UTF-8 with 415', () => {
    assert.equal(code(() => bodyFormat('application/json; charset=iso-8859-1')), '415 unsupported_charset');
    assert.equal(code(() => bodyFormat('application/x-ndjson; charset=utf-16')), '415 unsupported_charset');
  });

  it('takes one object or an array', () => {
    assert.deepEqual(values('{"a":1}'), [{ a: 1 }]);
    assert.deepEqual(values('[{"a":1},{"a":2}]'), [{ a: 1 }, { a: 2 }]);
    assert.equal(code(() => values('"x"')), '400 malformed_json');
    assert.equal(code(() => values('null')), '400 malformed_json');
    assert.equal(code(() => values('{')), '400 malformed_json');
  });

  it('takes NDJSON lines, skipping blank ones and tolerating CRLF', () => {
    assert.deepEqual(values('{"a":1}\r\n\n \t\r\n{"a":2}', 'ndjson'), [{ a: 1 }, { a: 2 }]);
    assert.equal(code(() => values('{"a":1}\nnope\n', 'ndjson')), '400 malformed_json');
    // Only JSON whitespace is blank: a stray BOM or no-break space in mid-body is not dropped.
    assert.equal(code(() => values('{"a":1}\n\uFEFF{"a":2}', 'ndjson')), '400 malformed_json');
    assert.equal(code(() => values('{"a":1}\n\u00A0\n', 'ndjson')), '400 malformed_json');
  });

  it('keeps each payload text as sent, in both formats and for every element', () => {
    const text = '{"payload":{"orderId":9007199254740993,"qty":1e400,"px":100.50}}';
    for (const [body, format] of [[text, 'json'], [`[${text}, ${text}]`, 'json'], [`${text}\n${text}\r\n`, 'ndjson']] as const) {
      for (const s of parseEvents(body, format, limits())) {
        assert.equal(s.payloadJson, '{"orderId":9007199254740993,"qty":1e400,"px":100.50}');
        assert.deepEqual(s.errors, []);
      }
    }
  });

  it('marks an event with I-JSON problems, and only that event', () => {
    const [good, dup, deep] = parseEvents(
      '[{"payload":{}},{"payload":{"side":"BUY","side":"SELL"}},{"payload":{"a":{"b":{"c":1}}}}]',
      'json',
      limits(10, 3),
    );
    assert.deepEqual(good!.errors ?? [], []);
    assert.deepEqual(dup!.errors!.map((e) => `${e.path} ${e.code}`), ['$.payload.side duplicate_name']);
    assert.deepEqual(deep!.errors!.map((e) => `${e.path} ${e.code}`), ['$.payload.a.b too_deep']);
  });

  it('refuses empty batches and batches over the limit', () => {
    assert.equal(code(() => values('[]')), '400 empty_batch');
    assert.equal(code(() => parseEvents('[1,2,3]', 'json', limits(2))), '413 too_many_events');
  });
});
