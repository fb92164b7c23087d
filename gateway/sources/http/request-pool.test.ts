import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { pino } from 'pino';
import { waitFor } from '../../../bench/wait-for.js';
import { SAMPLE_UTI, samplePayload } from '../../catalogue/sample-events.js';
import { hasCode } from '../../errors.js';
import { BulkheadsConfigSchema } from '../../pipeline/bulkheads.js';
import { RoutingConfigSchema } from '../../pipeline/routing.js';
import { CatalogueConfigSchema } from '../../pipeline/validate-event.js';
import { RequestPool } from './request-pool.js';

const settings = {
  catalogue: CatalogueConfigSchema.parse({}),
  routing: RoutingConfigSchema.parse({
    rules: [{ name: 'bulk-loads', match: { source: ['bulk-loader'] }, topic: 'bulk-trades', priority: 'bulk' }],
  }),
  bulkheads: BulkheadsConfigSchema.parse({}),
  limits: { maxEvents: 100, maxDepth: 64 },
  maxRecordBytes: 1_000_000,
};
const log = pino({ level: 'silent' });
const threads = new RequestPool({ workerThreads: 2, largeRequestBytes: 4096, largeRequestThreadIdleMs: 30_000, maxQueuedBodyBytes: 64 << 20 }, { settings, log });
const inline = new RequestPool({ workerThreads: 0, largeRequestBytes: 4096, largeRequestThreadIdleMs: 30_000, maxQueuedBodyBytes: 64 << 20 }, { settings, log });
after(() => Promise.all([threads.stop(Date.now() + 5000), inline.stop(Date.now() + 5000)]));

// Both trace ids given, so enrichment adds nothing and the two preparations can be compared whole.
const event = (id: string, source = 'oms') => ({
  eventId: id, type: 'TradeConfirmed', version: 1, occurredAt: '2026-11-02T09:30:00.123Z', source, aggregateId: SAMPLE_UTI,
  correlationId: id, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  payload: samplePayload('TradeConfirmed', 1),
});

it('prepares a request on a worker thread exactly as on the event loop: records, rejections, types, classes', async () => {
  const bad = { ...event('bad-1'), payload: { ...samplePayload('TradeConfirmed', 1), price: 12.5 } };
  // Over largeRequestBytes (the large lane) and under it (the small lane).
  for (const events of [[event('a-1'), bad, event('b-1', 'bulk-loader')], Array.from({ length: 20 }, (_, i) => event(`n-${i}`))]) {
    const body = JSON.stringify(events);
    const onThread = await threads.prepare({ body, format: 'json' });
    assert.deepEqual(onThread, await inline.prepare({ body, format: 'json' }));
    assert.equal(onThread.rejected.length, events.length);
    assert.equal(onThread.records.length + onThread.rejected.filter(Boolean).length, events.length);
  }
  const mixed = await threads.prepare({ body: JSON.stringify([event('a-2'), bad, event('b-2', 'bulk-loader')]), format: 'json' });
  assert.deepEqual(mixed.at, [0, 2]);
  assert.deepEqual(mixed.types, ['TradeConfirmed', 'TradeConfirmed']);
  assert.deepEqual(mixed.records.map((r) => r.topic), ['trade-events', 'bulk-trades']);
  assert.deepEqual(mixed.classes, { critical: 0, normal: 2, bulk: 1 });
  assert.equal(mixed.rejected[1]?.errors[0]?.code, 'decimal_as_number');
  assert.equal(mixed.rejected[1]?.errors[0]?.path, '$.payload.price');
  assert.deepEqual(threads.health().requests, { small: 0, large: 0 });
});

it('a sender may only use its sources, on the thread too', async () => {
  const prepared = await threads.prepare({ body: JSON.stringify(event('s-1', 'other')), format: 'json', sender: { name: 'desk-a', sources: new Set(['oms']) } });
  assert.equal(prepared.rejected[0]?.errors[0]?.code, 'source_not_allowed');
});

it('a request refused whole comes back as its GatewayError with code and path, from either lane', async () => {
  // The first on the small lane, the second (over largeRequestBytes) on the large one.
  for (const [body, code] of [['{"eventId":', 'malformed_json'], [`[${'{"a":1},'.repeat(600)}{"a":1}]`, 'too_many_events']] as const) {
    await assert.rejects(threads.prepare({ body, format: 'json' }), (err) => {
      assert.ok(hasCode(err, code), String(err));
      return true;
    });
  }
  await assert.rejects(threads.prepare({ body: '{"eventId":', format: 'json' }), (err) => hasCode(err, 'malformed_json') && err.details[0]?.path === '$');
  await assert.rejects(threads.prepare({ body: '\n\n', format: 'ndjson' }), (err) => hasCode(err, 'empty_batch'));
});

it('start() runs the catalogue samples through the small-request lane and the inline path before the listener opens', async () => {
  await threads.start();
  await inline.start();
  // 2,000 samples through the small-request lane (the large one starts with its first request); the inline path takes them in requests of at most 100 (maxEvents).
  assert.equal(threads.health().warmedUpEvents, 2_000);
  assert.equal(inline.health().warmedUpEvents, 2_000);
  assert.deepEqual(threads.health().requests, { small: 0, large: 0 });
});

it('a lane holding http.maxQueuedBodyBytes answers 503 intake_busy with Retry-After; a lone request larger than the bound is taken', async () => {
  const pool = new RequestPool({ workerThreads: 1, largeRequestBytes: 1 << 20, largeRequestThreadIdleMs: 30_000, maxQueuedBodyBytes: 1_000 }, { settings, log });
  try {
    const body = JSON.stringify(event('q-1'));
    assert.ok(body.length > 500 && body.length < 1_000, `a body of ${body.length} characters`);
    const [first, second] = await Promise.allSettled([pool.prepare({ body, format: 'json' }), pool.prepare({ body, format: 'json' })]);
    assert.equal(first.status, 'fulfilled');
    assert.ok(second.status === 'rejected' && hasCode(second.reason, 'intake_busy') && second.reason.retryAfterSeconds === 1, String((second as PromiseRejectedResult).reason));
    assert.equal(pool.health().busyRefusals, 1);
    // Alone, even a body over the bound is taken.
    const big = JSON.stringify([event('q-2'), event('q-3')]);
    assert.ok(big.length > 1_000);
    assert.equal((await pool.prepare({ body: big, format: 'json' })).records.length, 2);
    assert.deepEqual(pool.health().queuedBodyBytes, { small: 0, large: 0 });
  } finally {
    await pool.stop(Date.now() + 5000);
  }
});

it('starts the large-request thread with the first large body and ends it once idle (http.largeRequestThreadIdleMs)', async () => {
  const pool = new RequestPool({ workerThreads: 2, largeRequestBytes: 4096, largeRequestThreadIdleMs: 300, maxQueuedBodyBytes: 64 << 20 }, { settings, log });
  const running = () => pool.health().threadsRunning;
  try {
    await pool.start();
    assert.equal(running(), 1, 'only the small-request thread before any large body');
    const large = JSON.stringify(Array.from({ length: 8 }, (_, i) => event(`lz-${i}`)));
    assert.ok(large.length > 4096);
    assert.equal((await pool.prepare({ body: large, format: 'json' })).records.length, 8);
    assert.equal(running(), 2, 'the large-request thread started for it');
    await waitFor('the idle large-request thread to end', () => running() === 1, { timeoutMs: 10_000 });
  } finally {
    await pool.stop(Date.now() + 5000);
  }
});
