import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { adminToken } from '../support/admin-token.js';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { makeEvent, ndjson, testUti } from '../support/events.js';
import { assertExactlyOnce } from '../support/fault-kit.js';
import { createTopic, realBroker } from '../support/real-broker.js';

const GOOD = 20_000;

it('poison events go to the dead-letter store (and DLQ topic) while the rest flow on; a re-driven one arrives once', async () => {
  const run = Date.now();
  const topic = `fault-poison-${run}`;
  const missing = `fault-poison-missing-${run}`;
  const dlq = `fault-poison-dlq-${run}`;
  // The broker refuses record batches over 20 kB on this topic; librdkafka's batches stay under it.
  await createTopic(topic, { 'max.message.bytes': '20000' });
  await createTopic(dlq);
  const token = adminToken();
  const gateway = await GatewayProcess.start({
    ...token.env,
    EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
    // TradeMisrouted (outside the catalogue, passed through) goes to a topic that does not exist, and the gateway may not create it.
    EDGE_GATEWAY_ROUTING_TOPICS: `{ TradeMisrouted: ${missing} }`,
    // The oversized events are of a type outside the catalogue, whose payload is not checked.
    EDGE_GATEWAY_CATALOGUE_UNKNOWN_TYPES: 'passThrough',
    EDGE_GATEWAY_KAFKA_PRODUCER: `{ batch.size: 8000, allow.auto.create.topics: false, topic.metadata.propagation.max.ms: 2000 }`,
    EDGE_GATEWAY_FORWARDER_DEAD_LETTER_TOPIC: dlq,
  });
  try {
    // 20,000 good events on 100 keys; between them 5 too large for the topic and 5 for the missing topic.
    const events: unknown[] = [];
    const poison: string[] = [];
    for (let i = 0; i < GOOD; i++) {
      events.push(makeEvent(`${topic}-${i}`, `${topic}-agg-${i % 100}`, i));
      if (i % 4000 === 1999) {
        const big = makeEvent(`${topic}-big-${i}`, `${topic}-agg-${i % 100}`, i, { type: 'BlobAttached', payload: { uti: testUti(`${topic}-big-${i}`, i), blob: randomBytes(30_000).toString('base64') } });
        const lost = makeEvent(`${topic}-amend-${i}`, `${topic}-agg-${i % 100}`, i, { type: 'TradeMisrouted', payload: { uti: testUti(`${topic}-amend-${i}`, i) } });
        events.push(big, lost);
        poison.push(big.eventId, lost.eventId);
      }
    }
    for (let at = 0; at < events.length; at += 500) {
      const res = await fetch(`${gateway.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: ndjson(events.slice(at, at + 500)),
      });
      assert.equal(res.status, 202);
    }
    await gateway.waitFor('every event finished', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 120_000 });

    const list = (await (await fetch(`${gateway.adminUrl}/admin/dead-letters`)).json()) as { items: Array<Record<string, any>> };
    assert.deepEqual(list.items.map((d) => d.eventId).sort(), [...poison].sort(), 'exactly the poison events are dead letters');
    for (const d of list.items) {
      // Too large: refused by the broker for this topic. Missing topic: librdkafka or the broker says unknown.
      if (d.topic === missing) assert.match(d.error.code, /^ERR_+UNKNOWN_TOPIC/, `${d.eventId}: ${d.error.code}`);
      else assert.equal(d.error.code, 'ERR_MSG_SIZE_TOO_LARGE', `${d.eventId}: ${d.error.code}`);
    }
    const codes = new Set(list.items.map((d) => d.error.code as string));
    // What GET /v1/events/{id} says of a dead letter: dead_lettered, with Kafka's error (never "forwarded").
    for (const d of list.items) {
      const s = (await (await fetch(`${gateway.url}/v1/events/${d.eventId}`)).json()) as Record<string, any>;
      assert.equal(s.status, 'dead_lettered', d.eventId);
      assert.deepEqual(s.error, d.error, d.eventId);
    }
    const good = (await (await fetch(`${gateway.url}/v1/events/${topic}-0`)).json()) as Record<string, any>;
    assert.equal(good.status, 'forwarded');
    const one = (await (await fetch(`${gateway.adminUrl}/admin/dead-letters/${list.items[0]!.seq}`)).json()) as Record<string, any>;
    assert.equal(one.event.eventId, list.items[0]!.eventId, 'a dead letter keeps the whole event');
    assert.equal((await gateway.ready()).deadLetters.open, poison.length);

    const records = await consumeAll(realBroker(), [topic]);
    assertExactlyOnce('poison', Array.from({ length: GOOD }, (_, i) => `${topic}-${i}`), records, {
      sent: events.length,
      acknowledged: events.length,
      deadLetters: list.items.length,
      errorCodes: [...codes],
    });
    assertPerKeyOrder(records);
    // The copies are sent after their events are finished (best effort): wait until they are confirmed.
    await gateway.waitFor('the dead letters copied', async () => (await gateway.ready()).forwarder.deadLetterCopies === poison.length, { timeoutMs: 60_000 });
    const copies = await consumeAll(realBroker(), [dlq]);
    assert.deepEqual(copies.map((r) => r.headers['event-id']).sort(), [...poison].sort(), 'each dead letter copied to the DLQ topic once');

    // The operator creates the missing topic and re-drives one dead letter: it arrives once.
    await createTopic(missing);
    const amended = list.items.find((d) => d.topic === missing)!;
    const redrive = await fetch(`${gateway.adminUrl}/admin/dead-letters/${amended.seq}/redrive`, { method: 'POST', headers: token.auth });
    assert.equal(redrive.status, 200);
    const { redrivenSeq } = (await redrive.json()) as { redrivenSeq: number };
    assert.ok(redrivenSeq > amended.seq);
    await gateway.waitFor('the re-driven event delivered', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });
    const again = await fetch(`${gateway.adminUrl}/admin/dead-letters/${amended.seq}/redrive`, { method: 'POST', headers: token.auth });
    assert.equal(again.status, 409, 'a dead letter is re-driven once');
    const redriven = await consumeAll(realBroker(), [missing]);
    assert.deepEqual(redriven.map((r) => [r.headers['event-id'], r.headers['gateway-seq']]), [[amended.eventId, String(redrivenSeq)]]);
    const status = (await (await fetch(`${gateway.url}/v1/events/${amended.eventId}`)).json()) as Record<string, any>;
    assert.equal(status.status, 'forwarded');
  } finally {
    await gateway.stop();
  }
});
