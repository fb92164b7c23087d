import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayProcess, type ReadyReport } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { assertPerKeyOrder, consumeAll, type ConsumedRecord } from './support/consumer.js';
import { makeEvent, ndjson, type TestEvent } from './support/events.js';

const SENDERS = 10;
const KEYS_PER_SENDER = 5;
const EVENTS_PER_SENDER = 1000;
const TOTAL = SENDERS * EVENTS_PER_SENDER;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('end to end on the embedded bus', () => {
  let gw: GatewayProcess;
  /** eventId -> the seq the gateway acknowledged it with. */
  const acked = new Map<string, number>();
  const sent = new Map<string, TestEvent>();
  let records: ConsumedRecord[] = [];

  before(async () => {
    // Content-based routing: interest-rate trades go to their own topic, with priority class critical.
    const dir = tempDir();
    const config = join(dir, 'edge-gateway.yaml');
    // And librdkafka's statistics every 200 ms (off unless kafka.producer sets the interval).
    writeFileSync(
      config,
      'routing:\n  rules:\n    - { name: rates, match: { payload: { assetClass: [IR] } }, topic: trade-rates, priority: critical }\n' +
        'kafka:\n  producer:\n    statistics.interval.ms: 200\n',
    );
    gw = await GatewayProcess.start(
      { EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'), EDGE_GATEWAY_GATEWAY_ID: 'edge-e2e' },
      { args: ['--config', config] },
    );
  });
  after(async () => {
    await gw?.stop();
  });

  async function post(body: string, contentType: string): Promise<{ status: number; json: any }> {
    const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: res.status, json: await res.json() };
  }

  /** One sender owns its keys and sends their events in order, each request after the previous ack. */
  async function sender(s: number): Promise<void> {
    const keys = Array.from({ length: KEYS_PER_SENDER }, (_, k) => `UTI-S${s}-K${k}`);
    const perKey = new Array(KEYS_PER_SENDER).fill(0) as number[];
    const events: TestEvent[] = [];
    for (let i = 0; i < EVENTS_PER_SENDER; i++) {
      const k = i % KEYS_PER_SENDER;
      const e = makeEvent(`ev-${s}-${i}`, keys[k]!, perKey[k]!++, {
        ...(i % 3 === 0 ? { correlationId: `corr-${s}-${i}` } : {}),
        ...(i % 5 === 0 ? { traceparent: TRACEPARENT } : {}),
      });
      if (i % 7 === 0) e.payload = { ...e.payload, assetClass: 'IR' };
      events.push(e);
      sent.set(e.eventId, e);
    }
    let at = 0;
    let shape = s; // senders start on different shapes so all three run concurrently
    while (at < events.length) {
      const kind = shape++ % 3;
      const size = kind === 0 ? 1 : kind === 1 ? 37 : 113;
      const chunk = events.slice(at, at + size);
      at += chunk.length;
      const r =
        kind === 0
          ? await post(JSON.stringify(chunk[0]), 'application/json')
          : kind === 1
            ? await post(JSON.stringify(chunk), 'application/json; charset=utf-8')
            : await post(ndjson(chunk), 'application/x-ndjson');
      assert.equal(r.status, 202, JSON.stringify(r.json));
      assert.equal(r.json.accepted, chunk.length);
      chunk.forEach((e, i) => {
        assert.equal(r.json.results[i].status, 'accepted');
        assert.equal(r.json.results[i].eventId, e.eventId);
        acked.set(e.eventId, r.json.results[i].seq);
      });
    }
  }

  it(`forwards ${TOTAL} events posted in mixed shapes exactly once, in per-key order, with headers`, async () => {
    await Promise.all(Array.from({ length: SENDERS }, (_, s) => sender(s)));
    assert.equal(acked.size, TOTAL);
    assert.equal(new Set(acked.values()).size, TOTAL, 'every accepted event has its own seq');

    // Re-sending events already stored: recognised as duplicates, stored and forwarded once.
    const again = [...sent.values()].slice(0, 300);
    const fresh = Array.from({ length: 100 }, (_, i) => makeEvent(`ev-fresh-${i}`, `UTI-FRESH-${i % 4}`, Math.floor(i / 4)));
    const r = await post(JSON.stringify([...again, ...fresh]), 'application/json');
    assert.equal(r.status, 202);
    assert.equal(r.json.duplicates, 300);
    assert.equal(r.json.accepted, 100);
    again.forEach((e, i) => {
      assert.equal(r.json.results[i].status, 'duplicate');
      assert.equal(r.json.results[i].seq, acked.get(e.eventId), 'a duplicate points at the stored original');
    });
    fresh.forEach((e, i) => {
      sent.set(e.eventId, e);
      acked.set(e.eventId, r.json.results[300 + i].seq);
    });

    const expected = TOTAL + fresh.length;
    await gw.waitFor('every event to be forwarded', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });
    records = await consumeAll(gw.bootstrap, ['trade-events', 'trade-rates']);

    const ids = records.map((m) => m.value.eventId as string);
    const distinct = new Set(ids);
    const missing = [...acked.keys()].filter((id) => !distinct.has(id));
    console.log(JSON.stringify({ sent: expected + again.length, acknowledged: acked.size, consumed: records.length, distinct: distinct.size, missing: missing.length, duplicated: records.length - distinct.size }));
    assert.equal(missing.length, 0, `missing: ${missing.slice(0, 5).join(', ')}`);
    assert.equal(records.length, expected, 'no event consumed twice');
    assert.equal(distinct.size, expected);

    // Per-key order: one partition per key, offsets follow the senders' order and the WAL's seq.
    assertPerKeyOrder(records);

    for (const m of records) {
      const e = sent.get(m.value.eventId)!;
      // Enriched: a traceparent kept as sent or started by the gateway (its own span id), correlationId defaulting to the eventId.
      if (e.traceparent === undefined) assert.match(m.value.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      const enriched = { ...e, correlationId: e.correlationId ?? e.eventId, traceparent: e.traceparent ?? m.value.traceparent };
      assert.deepEqual(m.value, JSON.parse(JSON.stringify(enriched)), 'the value is the event as sent, enriched');
      assert.equal(m.key, e.aggregateId);
      assert.equal(m.topic, e.payload.assetClass === 'IR' ? 'trade-rates' : 'trade-events');
      assert.equal(m.headers['event-id'], e.eventId);
      assert.equal(m.headers['event-type'], e.type);
      assert.equal(m.headers['event-version'], String(e.version));
      assert.equal(m.headers['correlation-id'], enriched.correlationId);
      assert.equal(m.headers.traceparent, enriched.traceparent);
      assert.equal(m.headers['gateway-id'], 'edge-e2e');
      assert.equal(m.headers['gateway-seq'], String(acked.get(e.eventId)));
      assert.equal(m.headers['received-at'], new Date(m.timestamp).toISOString(), 'received-at header = the record timestamp');
    }
  });

  it('says on /health/ready that the bus is the embedded in-memory one, and where it is', async () => {
    const res = await fetch(`${gw.url}/health/ready`);
    assert.equal(res.status, 200);
    const ready = (await res.json()) as ReadyReport;
    assert.equal(ready.status, 'ready');
    assert.equal(ready.kafka.bus, 'embedded');
    assert.ok(typeof ready.kafka.warning === 'string' && ready.kafka.warning.length > 0, 'a warning that the bus is not a real Kafka');
    assert.equal(ready.kafka.bootstrap, gw.bootstrap);
    assert.equal(ready.kafka.connected, true);
    assert.equal(ready.forwarder.breaker.state, 'closed');
    assert.equal(ready.delivery.pendingEvents, 0);
    assert.equal(ready.delivery.oldestPendingAgeMs, null);
    assert.equal(ready.wal.lastSeq, TOTAL + 100);
    assert.ok(ready.wal.usedBytes > 0);
    const delay = ready.eventLoop.delayMs;
    assert.ok(delay.p99Ms >= delay.p50Ms && delay.maxMs >= delay.p99Ms && delay.worstMs >= delay.maxMs, JSON.stringify(delay));
  });

  it('reports where a forwarded event is, and 404 for an unknown one', async () => {
    const m = records[records.length - 1]!;
    const res = await fetch(`${gw.url}/v1/events/${encodeURIComponent(m.value.eventId)}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 'forwarded');
    assert.equal(body.topic, m.topic);
    assert.equal(body.partition, m.partition);
    assert.equal(body.offset, m.offset);
    assert.equal(body.seq, Number(m.headers['gateway-seq']));

    const unknown = await fetch(`${gw.url}/v1/events/no-such-event`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as any).error.code, 'event_not_found');
  });

  it('logs a summary of librdkafka\'s statistics once per statistics.interval.ms', async () => {
    type Line = { msg?: unknown; librdkafka?: any };
    const stats = () => (gw.logs as Line[]).filter((l) => l.msg === 'kafka producer statistics (latencies in us)');
    // Every event forwarded (the earlier tests waited for it): a later line counts them all.
    const line = await gw.waitFor('a statistics line counting every forwarded record', () =>
      stats().find((l) => l.librdkafka.txmsgs >= TOTAL + 100 && l.librdkafka.intervalMs !== undefined), { timeoutMs: 10_000 });
    const s = line.librdkafka;
    assert.ok(s.intervalMs >= 150 && s.intervalMs <= 2000, `interval ${s.intervalMs} ms, configured 200`);
    assert.ok(s.tx > 0 && s.msg_cnt >= 0);
    assert.ok(Object.keys(s.topics).includes('trade-rates'), `topics: ${Object.keys(s.topics).join(', ')}`);
    const brokers = Object.values(s.brokers) as any[];
    assert.ok(brokers.length > 0);
    for (const b of brokers) for (const k of ['int_latency_us', 'outbuf_latency_us', 'rtt_us']) assert.deepEqual(Object.keys(b[k]), ['avg', 'p99']);
    assert.ok(stats().length >= 2, 'one line per interval');
  });
});
