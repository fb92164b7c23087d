import assert from 'node:assert/strict';
import { it } from 'node:test';
import { randomTraceIds } from './enrich.js';

it('random trace and span ids: lower-case hex of W3C Trace Context length, never all zero, never repeated across pool refills', () => {
  const seen = new Set<string>();
  // 10,000 draws of 24 bytes: about 60 refills of the 4 KiB pool.
  for (let i = 0; i < 10_000; i++) {
    const trace = randomTraceIds.traceId();
    const span = randomTraceIds.spanId();
    assert.match(trace, /^[0-9a-f]{32}$/);
    assert.match(span, /^[0-9a-f]{16}$/);
    assert.doesNotMatch(trace, /^0+$/);
    assert.doesNotMatch(span, /^0+$/);
    seen.add(trace).add(span);
  }
  assert.equal(seen.size, 20_000);
});
