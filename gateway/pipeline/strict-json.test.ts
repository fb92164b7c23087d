import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanStrict, scanStrictElements } from './strict-json.js';

const scan = (text: string, maxDepth = 64) => scanStrict(text, 0, text.length, maxDepth);
const problems = (text: string, maxDepth = 64) => scan(text, maxDepth).errors.map((e) => `${e.path} ${e.code}`);

describe('strict I-JSON scan (RFC 7493)', () => {
  it('keeps the payload text as sent: numbers a double cannot hold, trailing zeros, exponents, escapes', () => {
    const payload = '{"orderId":9007199254740993,"qty":1e400,"px":100.50,"big":123456789012345678901234567890,"s":"\\u00e9\\n"}';
    assert.equal(scan(`{"eventId":"e","payload":${payload},"z":1}`).payloadJson, payload);
    assert.equal(scan(`{ "payload" :  ${payload}  }`).payloadJson, payload);
    assert.equal(scan('{"payload":-0.0e-0}').payloadJson, '-0.0e-0');
    assert.equal(scan('{"nested":{"payload":1}}').payloadJson, undefined, 'only the root member is the payload');
  });

  it('finds duplicate member names at any depth, after unescaping, with their paths', () => {
    assert.deepEqual(problems('{"eventId":"a","x":1,"eventId":"b"}'), ['$.eventId duplicate_name']);
    assert.deepEqual(problems('{"payload":{"side":"BUY","side":"SELL"}}'), ['$.payload.side duplicate_name']);
    assert.deepEqual(problems('{"a":[{"k":1},{"k":2,"\\u006b":3}]}'), ['$.a[1].k duplicate_name']);
    // Past the linear search: a Set takes over.
    const many = Array.from({ length: 20 }, (_, i) => `"k${i}":${i}`).join(',');
    assert.deepEqual(problems(`{${many},"k3":0}`), ['$.k3 duplicate_name']);
    assert.deepEqual(problems(`{${many}}`), []);
    // Names that mean something to JavaScript objects are names like any other.
    assert.deepEqual(problems('{"__proto__":1,"constructor":2,"__proto__":3}'), ['$.__proto__ duplicate_name']);
    assert.deepEqual(problems('{"a":{"x":1},"b":{"x":1}}'), [], 'the same name in two objects is fine');
  });

  it('finds unpaired surrogate escapes, in values and names', () => {
    assert.deepEqual(problems('{"p":"\\ud800"}'), ['$.p unpaired_surrogate']);
    assert.deepEqual(problems('{"p":"\\udc00x"}'), ['$.p unpaired_surrogate']);
    assert.deepEqual(problems('{"p":"\\ud800\\u0041"}'), ['$.p unpaired_surrogate']);
    assert.deepEqual(problems('{"p":"a\\ud800"}'), ['$.p unpaired_surrogate']);
    assert.deepEqual(problems('{"\\ud800":1}'), ['$["\\ud800"] unpaired_surrogate']);
    assert.deepEqual(problems('{"p":"\\ud83d\\ude00 \\"\\\\"}'), [], 'a pair is one character');
  });

  it('refuses nesting past the limit at the first level too deep, without recursion', () => {
    assert.deepEqual(problems('{"a":{"b":[1]}}', 3), []);
    assert.deepEqual(problems('{"a":{"b":[[1]]}}', 3), ['$.a.b[0] too_deep']);
    const deep = `{"payload":${'['.repeat(100_000)}${']'.repeat(100_000)},"after":{"x":1,"x":2}}`;
    assert.deepEqual(problems(deep), ['$.payload[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] too_deep', '$.after.x duplicate_name']);
  });

  it('checks each element of an array on its own, with paths inside the element', () => {
    const scans = scanStrictElements(' [ {"payload":1} , {"a":1,"a":2,"payload":[2]},{"payload":"\\ud800"} ] ', 0, 60, 64);
    assert.deepEqual(scans.map((s) => s.payloadJson), ['1', '[2]', '"\\ud800"']);
    assert.deepEqual(scans.map((s) => s.errors.map((e) => `${e.path} ${e.code}`)), [[], ['$.a duplicate_name'], ['$.payload unpaired_surrogate']]);
  });
});
