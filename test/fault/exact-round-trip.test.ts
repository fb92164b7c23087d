import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { consumeAll } from '../support/consumer.js';
import { faultGatewayEnv, freePort } from '../support/fault-kit.js';
import { payloadText } from '../support/json-text.js';
import { realBroker } from '../support/real-broker.js';

const EVENTS = 400;

/**
 * Kind 1 of issue 9 as a property: whatever I-JSON payload a sender writes (random names including
 * __proto__ and constructor, any Unicode, escapes, nesting, numbers a double cannot hold), what a
 * consumer reads from the real broker holds the payload's text byte for byte, and the envelope
 * members with the values sent. The seed is printed so a failure can be replayed.
 */
it('every payload reaches Kafka byte for byte as it was sent (fast-check, real broker)', async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  console.log(`exact-round-trip: seed ${seed}`);
  const payloads = fc.sample(payloadText, { numRuns: EVENTS, seed });
  const topic = `fault-exact-${Date.now()}`;
  // Random payloads are no catalogue type's: a type outside the catalogue, passed through with envelope
  // checks only, carries them (the catalogue's own types are stored the same way: payload text as sent).
  const gateway = await GatewayProcess.start({ ...faultGatewayEnv(await freePort(), tempDir(), topic), EDGE_GATEWAY_CATALOGUE_UNKNOWN_TYPES: 'passThrough' });
  try {
    const sent = new Map<string, { text: string; payload: string }>();
    const texts = payloads.map((payload, i) => {
      const eventId = `${topic}-${i}`;
      // Envelope members in a scrambled order and with escapes: only their order may change.
      const text =
        `{ "payload" : ${payload}, "source":"oms\\u002dA","aggregateId":"${topic}-agg-${i % 7}",` +
        `"eventId":"${eventId}","type":"RawPayloadRecorded","version":1,"occurredAt":"2026-11-02T09:30:00.123456Z" }`;
      sent.set(eventId, { text, payload });
      return text;
    });
    for (let at = 0; at < texts.length; at += 50) {
      const res = await fetch(`${gateway.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `[${texts.slice(at, at + 50).join(',\n')}]`,
      });
      const body = (await res.json()) as { results: Array<{ status: string; errors?: unknown }> };
      assert.equal(res.status, 202, JSON.stringify(body.results.find((r) => r.status !== 'accepted')));
    }
    await gateway.waitFor('every event delivered', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });
    const records = await consumeAll(realBroker(), [topic]);
    assert.equal(records.length, EVENTS);
    // Each sent event exactly once: a count alone would not see one event twice and another lost.
    assert.deepEqual(records.map((r) => r.headers['event-id']).sort(), [...sent.keys()].sort());
    for (const r of records) {
      const eventId = r.headers['event-id']!;
      const { text, payload } = sent.get(eventId)!;
      const value = r.valueBytes.toString('utf8');
      assert.ok(value.endsWith(`,"payload":${payload}}`), `${eventId}: payload changed (seed ${seed})\nsent: ${payload}\ngot:  ${value}`);
      assert.ok(Buffer.from(value, 'utf8').equals(r.valueBytes), 'the value is valid UTF-8');
      const envelope = JSON.parse(value.slice(0, value.indexOf(',"payload":')) + '}') as Record<string, unknown>;
      const { payload: _, ...expected } = JSON.parse(text) as Record<string, unknown>;
      // Enrichment (README "Versions, upcasting and enrichment") adds correlationId and traceparent
      // when the sender gave none: those two members may be added, no other may change.
      const { correlationId, traceparent, ...sentMembers } = envelope;
      assert.deepEqual(sentMembers, expected, `${eventId}: envelope members and values as sent`);
      assert.equal(correlationId, eventId, 'correlationId defaults to the eventId');
      assert.match(String(traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/, 'a W3C traceparent');
    }
    console.log(`exact-round-trip: ${JSON.stringify({ seed, sent: EVENTS, consumed: records.length, payloadBytes: payloads.reduce((n, p) => n + Buffer.byteLength(p), 0) })}`);
  } finally {
    await gateway.stop();
  }
});
