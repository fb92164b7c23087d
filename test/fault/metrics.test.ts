import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { makeEvent } from '../support/events.js';
import { brokerCtl, createTopic, realBroker } from '../support/real-broker.js';
import { scrape, valueOf, type Sample } from '../support/scrape.js';

const BATCH = 100;

it('GET /metrics: intake, forwarding, latency and breaker series move as events flow and as the real broker goes away and comes back', async () => {
  const topic = `fault-metrics-${Date.now()}`;
  // The broker refuses record batches over 20 kB on this topic: the 40 kB event below (random, so
  // compression cannot shrink it) is a poison event
  // (the gateway's own intake check allows it: it fits the producer's message.max.bytes).
  await createTopic(topic, { 'max.message.bytes': '20000' });
  const gateway = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
    EDGE_GATEWAY_FORWARDER_BREAKER_RESET_TIMEOUT_MS: '2000',
    EDGE_GATEWAY_FORWARDER_RETRY_MAX_MS: '2000',
    EDGE_GATEWAY_KAFKA_PRODUCER: '{ batch.size: 8000 }',
    // The oversized event below is of a type outside the catalogue, passed through.
    EDGE_GATEWAY_CATALOGUE_UNKNOWN_TYPES: 'passThrough',
  });
  let sent = 0;
  const post = async (events: unknown[]) => {
    const res = await fetch(`${gateway.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    await res.arrayBuffer();
    return res.status;
  };
  const send = async (batches: number) => {
    for (let b = 0; b < batches; b++) {
      const events = Array.from({ length: BATCH }, (_, i) => makeEvent(`${topic}-${sent + i}`, `key-${(sent + i) % 20}`, sent + i));
      assert.equal(await post(events), 202);
      sent += BATCH;
    }
  };
  const m = () => scrape(gateway.adminUrl);
  const forwarded = (s: Sample[]) => valueOf(s, 'edge_gateway_events_forwarded_total', { topic });
  try {
    const atStart = await m();
    assert.equal(forwarded(atStart), 0);
    assert.ok(atStart.some((s) => s.name === 'process_cpu_user_seconds_total'), 'default process metrics');
    assert.ok(atStart.some((s) => s.name === 'nodejs_eventloop_lag_p99_seconds'), 'event-loop delay');

    await send(5);
    const flowing = await gateway.waitFor('500 events forwarded', async () => {
      const s = await m();
      return forwarded(s) === 500 && valueOf(s, 'edge_gateway_wal_backlog_events') === 0 ? s : undefined;
    }, { timeoutMs: 60_000 });
    const counts = { source: 'http', type: 'TradeConfirmed' };
    assert.equal(valueOf(flowing, 'edge_gateway_events_received_total', counts), 500);
    assert.equal(valueOf(flowing, 'edge_gateway_events_accepted_total', counts), 500);
    assert.equal(valueOf(flowing, 'edge_gateway_ack_latency_seconds_count', { source: 'http' }), 5);
    assert.equal(valueOf(flowing, 'edge_gateway_end_to_end_latency_seconds_count'), 500);
    assert.equal(valueOf(flowing, 'edge_gateway_breaker_state', { state: 'closed' }), 1);
    assert.equal(valueOf(flowing, 'edge_gateway_kafka_connected'), 1);

    // A duplicate and a rejected event: counted by type and by error code.
    assert.equal(await post([makeEvent(`${topic}-0`, 'key-0', 0), { ...makeEvent('bad-1', 'key-0', 0), occurredAt: 'yesterday' }]), 200);
    const afterBad = await m();
    assert.equal(valueOf(afterBad, 'edge_gateway_events_duplicate_total', counts), 1);
    assert.equal(valueOf(afterBad, 'edge_gateway_events_rejected_total', { source: 'http', code: 'invalid_format' }), 1);

    // A record too large for the client: a delivery error by its librdkafka code, then a dead letter.
    assert.equal(await post([makeEvent(`${topic}-big`, 'key-big', 0, { type: 'BlobRecorded', payload: { blob: randomBytes(30_000).toString('base64') } })]), 202);
    const poisoned = await gateway.waitFor('the dead letter', async () => {
      const s = await m();
      return valueOf(s, 'edge_gateway_dead_letters_total') === 1 ? s : undefined;
    }, { timeoutMs: 60_000 });
    assert.equal(valueOf(poisoned, 'edge_gateway_dead_letters_open'), 1);
    assert.ok(valueOf(poisoned, 'edge_gateway_delivery_errors_total', { code: 'ERR_MSG_SIZE_TOO_LARGE' }) >= 1, 'the refusal counted by its code');
    assert.equal(forwarded(poisoned), 500);

    await brokerCtl('kill');
    const downAt = Date.now();
    await send(5);
    const down = await gateway.waitFor('the breaker open with a backlog', async () => {
      const s = await m();
      return valueOf(s, 'edge_gateway_breaker_state', { state: 'open' }) === 1 && valueOf(s, 'edge_gateway_wal_backlog_events') === 500 ? s : undefined;
    }, { timeoutMs: 60_000, everyMs: 250 });
    assert.equal(forwarded(down), 500, 'nothing forwarded while the broker is down');
    assert.ok(valueOf(down, 'edge_gateway_breaker_transitions_total', { to: 'open' }) >= 1);
    assert.ok(valueOf(down, 'edge_gateway_wal_oldest_undelivered_age_seconds') > 0);
    assert.ok(valueOf(down, 'edge_gateway_wal_used_bytes') > 0);

    await brokerCtl('restart');
    const back = await gateway.waitFor('the backlog forwarded after the restart', async () => {
      const s = await m();
      return forwarded(s) === 1000 && valueOf(s, 'edge_gateway_wal_backlog_events') === 0 ? s : undefined;
    }, { timeoutMs: 120_000, everyMs: 250 });
    const outageMs = Date.now() - downAt;
    assert.ok(valueOf(back, 'edge_gateway_breaker_transitions_total', { to: 'closed' }) >= 1, 'the breaker closed again');
    assert.equal(valueOf(back, 'edge_gateway_breaker_state', { state: 'closed' }), 1);
    assert.equal(valueOf(back, 'edge_gateway_events_accepted_total', counts), 1000);
    assert.equal(valueOf(back, 'edge_gateway_events_accepted_total', { source: 'http', type: 'BlobRecorded' }), 1, 'the poison event, by its own type');
    assert.equal(valueOf(back, 'edge_gateway_end_to_end_latency_seconds_count'), 1000, 'one per confirmed event');
    // The 500 sent during the outage waited for the broker: their end-to-end latency is over 1 s.
    const underOneSecond = valueOf(back, 'edge_gateway_end_to_end_latency_seconds_bucket', { le: '1' });
    assert.ok(underOneSecond > 0 && underOneSecond <= 500, `some, at most the 500 sent before the outage, within 1 s (${underOneSecond}; outage ${outageMs} ms)`);
    assert.equal(valueOf(back, 'edge_gateway_wal_oldest_undelivered_age_seconds'), 0);
    console.log(`metrics: ${JSON.stringify({ forwarded: forwarded(back), outageMs, underOneSecond, readBacks: valueOf(back, 'edge_gateway_read_backs_total'), deliveryErrors: back.filter((s) => s.name === 'edge_gateway_delivery_errors_total').map((s) => `${s.labels.code}=${s.value}`) })}`);
  } finally {
    await gateway.stop();
    await brokerCtl('restart').catch(() => undefined);
  }
});
