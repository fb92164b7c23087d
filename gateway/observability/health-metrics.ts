import { Counter, Gauge, type Registry } from 'prom-client';

/** Each component's `health()` figures by its name (`wal`, `delivery`, `forwarder`, ...), as in /health/ready. */
export type HealthFigures = Record<string, Record<string, unknown>>;


/**
 * Gauges and counters read from the components' own health figures when Prometheus scrapes
 * (collect-on-scrape): nothing is counted twice, and nothing runs per event. A counter here
 * mirrors a component's running total (reset and set each scrape; the total only grows while the
 * process runs, as Prometheus expects of a counter).
 */
export function registerHealthMetrics(registry: Registry, health: () => HealthFigures | undefined): { newScrape(): void } {
  // One scrape reads every component's health once; the metrics below share that reading.
  let snapshot: HealthFigures | undefined;
  let fresh = false;
  const figures = (): HealthFigures | undefined => {
    if (!fresh) {
      snapshot = health();
      fresh = true;
    }
    return snapshot;
  };
  const read = (section: string, ...path: string[]): number | undefined => {
    let v: unknown = figures()?.[section];
    for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
    return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined;
  };
  const registers = [registry];
  const gauge = (name: string, help: string, value: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const v = value();
        if (v !== undefined) this.set(v);
      },
    });
  const total = (name: string, help: string, value: () => number | undefined) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const v = value();
        if (v === undefined) return;
        this.reset();
        this.inc(v);
      },
    });

  gauge('edge_gateway_wal_backlog_events', 'Events in the WAL not yet confirmed by Kafka.', () => read('delivery', 'pendingEvents'));
  gauge('edge_gateway_wal_backlog_bytes', 'Bytes of the stored event bodies (UTF-8) of the WAL rows not yet finished (delivered or dead-lettered).', () => read('delivery', 'pendingBytes'));
  gauge('edge_gateway_wal_used_bytes', "The WAL's size: database pages in use plus the -wal file (what wal.budget.maxBytes counts).", () => read('wal', 'usedBytes'));
  gauge('edge_gateway_wal_oldest_undelivered_age_seconds', 'Age of the oldest event not yet confirmed by Kafka; 0 when none is pending.', () => {
    const ms = read('delivery', 'oldestPendingAgeMs');
    return figures()?.delivery ? (ms ?? 0) / 1000 : undefined;
  });
  gauge('edge_gateway_wal_last_seq', 'The highest WAL sequence number assigned.', () => read('wal', 'lastSeq'));
  gauge('edge_gateway_wal_delivered_cursor', 'Every WAL seq at or below it is finished (delivered or dead-lettered).', () => read('delivery', 'deliveredCursor'));
  total('edge_gateway_wal_pruned_events_total', 'Delivered events pruned after the retention period.', () => read('retention', 'prunedEvents'));
  total('edge_gateway_wal_early_pruned_events_total', 'Delivered events pruned before the retention period, under byte pressure.', () => read('retention', 'earlyPrunedEvents'));
  gauge('edge_gateway_disk_free_bytes', "Free disk space for the gateway's user on the WAL's file system, at the last check.", () => read('budget', 'freeDiskBytes'));
  gauge('edge_gateway_intake_paused', '1 while intake answers 503 (WAL budget, low disk or a full disk), else 0.', () =>
    figures()?.budget ? Number(figures()!.budget!.intake === 'paused') : undefined,
  );
  total('edge_gateway_intake_pauses_total', 'Times intake paused.', () => read('budget', 'pauses'));

  new Gauge({
    name: 'edge_gateway_breaker_state',
    help: "The forwarder's circuit breaker: 1 for the current state (closed, open, half_open), 0 for the others.",
    labelNames: ['state'],
    registers,
    collect() {
      const state = (figures()?.forwarder?.breaker as { state?: string } | undefined)?.state;
      if (!state) return;
      for (const s of ['closed', 'open', 'half-open']) this.set({ state: s.replace('-', '_') }, Number(state === s));
    },
  });
  new Counter({
    name: 'edge_gateway_breaker_transitions_total',
    help: "The circuit breaker's transitions, by the state entered.",
    labelNames: ['to'],
    registers,
    collect() {
      const b = figures()?.forwarder?.breaker as Record<string, number> | undefined;
      if (!b) return;
      this.reset();
      this.inc({ to: 'open' }, b.opened ?? 0);
      this.inc({ to: 'half_open' }, b.halfOpened ?? 0);
      this.inc({ to: 'closed' }, b.closed ?? 0);
    },
  });
  gauge('edge_gateway_forwarder_in_flight_events', 'Records handed to librdkafka and not yet reported on.', () => read('forwarder', 'inFlight'));
  total('edge_gateway_forwarder_retries_total', 'Times forwarding restarted from the delivered cursor after a failure.', () => read('forwarder', 'retries'));
  total('edge_gateway_read_backs_total', "Read-backs of this gateway's records from Kafka (start-up, after failures).", () => read('forwarder', 'readBacks'));
  total('edge_gateway_read_back_recovered_events_total', 'Events the read-back found already in Kafka (finished without sending again).', () => read('forwarder', 'recoveredByReadBack'));
  total('edge_gateway_dead_letters_total', 'Events Kafka refused permanently, moved to the dead-letter store.', () => read('forwarder', 'deadLettered'));
  gauge('edge_gateway_dead_letters_open', 'Dead letters not yet re-driven.', () => read('deadLetters', 'open'));
  gauge('edge_gateway_kafka_connected', '1 while the producer is connected to Kafka.', () => read('kafka', 'connected'));

  new Gauge({
    name: 'edge_gateway_worker_queue_depth',
    help: 'Work waiting: requests queued for the next group commit (queue="commit"), batches waiting for an encoder thread (queue="encoder").',
    labelNames: ['queue'],
    registers,
    collect() {
      const commit = read('commit', 'queuedRequests');
      if (commit !== undefined) this.set({ queue: 'commit' }, commit);
      const encoder = read('encoder', 'queueDepth');
      if (encoder !== undefined) this.set({ queue: 'encoder' }, encoder);
    },
  });
  new Counter({
    name: 'edge_gateway_auth_failures_total',
    help: 'Refused authentications, by listener (http, admin, fix) and reason: no_token, wrong_token, malformed_authorization (intake senders), admin_token, tls_handshake (no or an untrusted client certificate, not TLS), fix_session (unknown CompIDs, address not allowed, session already logged on).',
    labelNames: ['listener', 'reason'],
    registers,
    collect() {
      const f = figures();
      if (!f) return;
      this.reset();
      for (const [reason, n] of Object.entries((f.auth?.failuresByReason as Record<string, number> | undefined) ?? {})) this.inc({ listener: 'http', reason }, n);
      for (const listener of ['http', 'fix']) {
        const n = read(listener, 'tls', 'refusedHandshakes');
        if (n !== undefined) this.inc({ listener, reason: 'tls_handshake' }, n);
      }
      const admin = read('admin', 'refusedCalls');
      if (admin !== undefined) this.inc({ listener: 'admin', reason: 'admin_token' }, admin);
      const fix = read('fix', 'refusedLogons');
      if (fix !== undefined) this.inc({ listener: 'fix', reason: 'fix_session' }, fix);
    },
  });
  new Gauge({
    name: 'edge_gateway_tls_certificate_expiry_seconds',
    help: "Seconds until the listener's TLS certificate expires (negative once expired); reread on SIGHUP.",
    labelNames: ['listener'],
    registers,
    collect() {
      this.reset();
      for (const [listener, s] of Object.entries(figures()?.tlsExpiry ?? {})) if (typeof s === 'number') this.set({ listener }, s);
    },
  });
  return { newScrape: () => (fresh = false) };
}
