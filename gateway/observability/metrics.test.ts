import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { pino } from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { Ingest } from '../pipeline/ingest.js';
import { samplePayload } from '../catalogue/sample-events.js';
import { RoutingConfigSchema, Router } from '../pipeline/routing.js';
import { CatalogueConfigSchema } from '../pipeline/validate-event.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from '../wal/delivery-ledger.js';
import { GroupCommit } from '../wal/group-commit.js';
import { Wal, WalConfigSchema } from '../wal/wal.js';
import { GatewayMetrics } from './metrics.js';

/** A valid TradeConfirmed with a UTI of its own (the same eventId gives the same UTI: a duplicate). */
const event = (eventId: string, extra: Record<string, unknown> = {}) => ({
  value: {
    eventId, type: 'TradeConfirmed', version: 1, occurredAt: '2026-11-02T09:30:00.123Z', source: 'oms', aggregateId: 'K',
    payload: samplePayload('TradeConfirmed', 1, `5493001KJTIIGC8Y1R12METRICS${eventId.toUpperCase()}`), ...extra,
  },
});

/** `name{labels} value` lines of the exposition, without comments. */
const sample = (text: string, line: string) => text.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ')[1];

it('counts intake outcomes by type and code, observes ack and end-to-end latency, and reads health on scrape (real WAL)', async () => {
  const wal = new Wal(WalConfigSchema.parse({ path: join(tempDir('metrics-test-'), 'wal.db') }));
  const ingest = new Ingest({ catalogue: CatalogueConfigSchema.parse({}) }, { commit: new GroupCommit(wal), router: new Router(RoutingConfigSchema.parse({})) });
  const ledger = new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log: pino({ level: 'silent' }) });
  const metrics = new GatewayMetrics({ health: () => ({ delivery: { ...ledger.health(), oldestPendingAgeMs: 1500 }, wal: wal.health() }), deliveredCursor: () => ledger.cursor });
  const observed = metrics.observeIngest(ingest, 'http');

  await observed.submit([event('a'), event('b'), event('a'), event('c', { occurredAt: 'now' }), { value: { type: 'Junk-type' } }]);
  let text = await metrics.text();
  assert.equal(sample(text, 'edge_gateway_events_received_total{source="http",type="TradeConfirmed"}'), '3');
  assert.equal(sample(text, 'edge_gateway_events_received_total{source="http",type=""}'), '2', 'rejected events make no type series');
  assert.equal(sample(text, 'edge_gateway_events_accepted_total{source="http",type="TradeConfirmed"}'), '2');
  assert.equal(sample(text, 'edge_gateway_events_duplicate_total{source="http",type="TradeConfirmed"}'), '1');
  assert.equal(sample(text, 'edge_gateway_events_rejected_total{source="http",code="invalid_format"}'), '1');
  assert.equal(sample(text, 'edge_gateway_events_rejected_total{source="http",code="invalid_type"}'), '1');
  assert.equal(sample(text, 'edge_gateway_ack_latency_seconds_count{source="http"}'), '1');
  assert.equal(sample(text, 'edge_gateway_wal_backlog_events'), '2');
  const bodyBytes = wal.readAfter(0, 10).reduce((n, e) => n + Buffer.byteLength(e.body), 0);
  assert.ok(bodyBytes > 0);
  assert.equal(sample(text, 'edge_gateway_wal_backlog_bytes'), String(bodyBytes));
  assert.equal(sample(text, 'edge_gateway_wal_oldest_undelivered_age_seconds'), '1.5');
  assert.equal(sample(text, 'edge_gateway_wal_last_seq'), '2');

  // The forwarder's delivery reports: by topic, each with its end-to-end latency; refusals by code.
  metrics.delivery.delivered(1, 'trade-events');
  metrics.delivery.delivered(2, 'trade-events');
  metrics.delivery.delivered(99, 'trade-events'); // not received through this intake (a re-drive): no latency
  metrics.delivery.refused('ERR__MSG_TIMED_OUT');
  ledger.finish(1, { partition: 0, offset: 0 });
  ledger.finish(2, { partition: 0, offset: 1 });
  text = await metrics.text();
  assert.equal(sample(text, 'edge_gateway_events_forwarded_total{topic="trade-events"}'), '3');
  assert.equal(sample(text, 'edge_gateway_end_to_end_latency_seconds_count'), '2');
  assert.equal(sample(text, 'edge_gateway_delivery_errors_total{code="ERR__MSG_TIMED_OUT"}'), '1');
  assert.equal(sample(text, 'edge_gateway_wal_backlog_events'), '0', 'health is read again on every scrape');
  assert.equal(sample(text, 'edge_gateway_wal_backlog_bytes'), '0');
  assert.match(text, /^process_cpu_user_seconds_total /m);
  assert.match(text, /^nodejs_eventloop_lag_p99_seconds /m);
  await wal.stop();
});

it('counts failed authentications by listener and reason, and gives each TLS certificate its seconds to expiry, from health on scrape', async () => {
  let refusedHandshakes = 1;
  const metrics = new GatewayMetrics({
    health: () => ({
      auth: { failedAuthentications: 3, failuresByReason: { no_token: 2, wrong_token: 1, malformed_authorization: 0 } },
      http: { tls: { certificateDaysLeft: 29, refusedHandshakes } },
      admin: { refusedCalls: 4 },
      fix: { refusedLogons: 5, tls: { certificateDaysLeft: 0, refusedHandshakes: 6 } },
      tlsExpiry: { http: 2_592_000, fix: -60 },
    }),
    deliveredCursor: () => 0,
  });
  let text = await metrics.text();
  assert.equal(sample(text, 'edge_gateway_auth_failures_total{listener="http",reason="no_token"}'), '2');
  assert.equal(sample(text, 'edge_gateway_auth_failures_total{listener="http",reason="wrong_token"}'), '1');
  assert.equal(sample(text, 'edge_gateway_auth_failures_total{listener="http",reason="tls_handshake"}'), '1');
  assert.equal(sample(text, 'edge_gateway_auth_failures_total{listener="admin",reason="admin_token"}'), '4');
  assert.equal(sample(text, 'edge_gateway_auth_failures_total{listener="fix",reason="fix_session"}'), '5');
  assert.equal(sample(text, 'edge_gateway_auth_failures_total{listener="fix",reason="tls_handshake"}'), '6');
  assert.equal(sample(text, 'edge_gateway_tls_certificate_expiry_seconds{listener="http"}'), '2592000');
  assert.equal(sample(text, 'edge_gateway_tls_certificate_expiry_seconds{listener="fix"}'), '-60', 'an expired certificate: negative');
  assert.equal(sample(text, 'edge_gateway_tls_certificate_expiry_seconds{listener="admin"}'), undefined, 'no TLS, no series');
  refusedHandshakes = 7;
  text = await metrics.text();
  assert.equal(sample(text, 'edge_gateway_auth_failures_total{listener="http",reason="tls_handshake"}'), '7', 'read again on every scrape');
});
