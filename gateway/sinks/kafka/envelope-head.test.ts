import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { envelopeHead } from './envelope-head.js';

const head = (body: string) => {
  const end = body.indexOf(',"payload":');
  return JSON.parse(end < 0 ? body : `${body.slice(0, end)}}`) as unknown;
};

it('reads the head of a canonical body as JSON.parse does, escapes and all', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const envelope = fc.record(
    {
      eventId: text,
      type: text,
      version: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
      occurredAt: text,
      correlationId: text,
      causationId: text,
      traceparent: text,
      payload: fc.jsonValue(),
    },
    { requiredKeys: ['eventId', 'type', 'version'] },
  );
  fc.assert(
    fc.property(envelope, (e) => {
      const body = JSON.stringify(e); // the canonical form puts payload last, as here
      assert.deepEqual(envelopeHead(body), head(body));
    }),
    { numRuns: 20_000 },
  );
});

it('reads a bench-shaped body without a fallback and a body without payload', () => {
  const body = '{"eventId":"a-1","type":"TradeConfirmed","version":2,"aggregateId":"K","correlationId":"c","traceparent":"00-x-y-01","payload":{"type":"inner","version":9}}';
  assert.deepEqual(envelopeHead(body), { eventId: 'a-1', type: 'TradeConfirmed', version: 2, aggregateId: 'K', correlationId: 'c', traceparent: '00-x-y-01' });
  assert.deepEqual(envelopeHead('{"type":"X","version":1}'), { type: 'X', version: 1 });
  assert.deepEqual(envelopeHead('{"type":"a\\"b","version":1}'), { type: 'a"b', version: 1 });
});
