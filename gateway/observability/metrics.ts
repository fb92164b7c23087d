import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { GatewayError } from '../errors.js';
import type { Ingest, Outcome, SubmitOptions } from '../pipeline/ingest.js';
import { registerHealthMetrics, type HealthFigures } from './health-metrics.js';
import { ReceiptTimes } from './receipt-times.js';

/** Seconds: group commit with fsync is ~1-10 ms; the top buckets catch a stalled disk. */
const ACK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Seconds: milliseconds when Kafka is up, up to an outage's length when it was not. */
const END_TO_END_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** How often (deliveries) ranges the delivered cursor passed are forgotten. */
const DROP_EVERY = 1024;

/** What the forwarder tells the metrics: one call per delivery report (the hot path: counters only). */
export interface DeliveryObserver {
  delivered(seq: number, topic: string): void;
  /** A record Kafka did not confirm, with librdkafka's error code name (e.g. `ERR__MSG_TIMED_OUT`). */
  refused(code: string): void;
}

/** What a source calls to submit events (Ingest, or Ingest observed by these metrics). */
export type Submit = Pick<Ingest, 'submit' | 'commitPrepared'>;

/**
 * The gateway's Prometheus metrics (prom-client, its own registry: no global default registry).
 * Names follow Prometheus conventions: prefix `edge_gateway_`, base units in the name (`_seconds`,
 * `_bytes`), `_total` for counters. Two kinds: a few counters and histograms fed on the hot path
 * (intake outcomes, ack and end-to-end latency, deliveries by topic and errors by code), and the
 * rest read from the components' own `health()` figures when Prometheus scrapes (nothing per event).
 * Components get the small interfaces above, never prom-client.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly received: Counter<'source' | 'type'>;
  private readonly accepted: Counter<'source' | 'type'>;
  private readonly duplicate: Counter<'source' | 'type'>;
  private readonly rejected: Counter<'source' | 'code'>;
  private readonly ackLatency: Histogram<'source'>;
  private readonly endToEnd: Histogram;
  private readonly forwarded: Counter<'topic'>;
  private readonly deliveryErrors: Counter<'code'>;
  private readonly receipts = new ReceiptTimes();
  /** prom-client label children, looked up once per topic (a label hash per event costs more). */
  private readonly forwardedByTopic = new Map<string, { inc(): void }>();
  private readonly children = new Map<object, Map<string, { inc(n?: number): void }>>();
  private deliveries = 0;
  private readonly healthMetrics: { newScrape(): void };

  constructor(private readonly deps: { health: () => HealthFigures | undefined; deliveredCursor: () => number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.received = new Counter({ name: 'edge_gateway_events_received_total', help: 'Events received, by intake source and event type (type "" for events that were rejected).', labelNames: ['source', 'type'], registers });
    this.accepted = new Counter({ name: 'edge_gateway_events_accepted_total', help: 'Events committed to the WAL and acknowledged.', labelNames: ['source', 'type'], registers });
    this.duplicate = new Counter({ name: 'edge_gateway_events_duplicate_total', help: 'Events whose eventId the WAL already held (not stored again).', labelNames: ['source', 'type'], registers });
    this.rejected = new Counter({ name: 'edge_gateway_events_rejected_total', help: 'Events refused, by error code (invalid ones by their first field error; whole requests by the request error, e.g. wal_budget_exceeded).', labelNames: ['source', 'code'], registers });
    this.ackLatency = new Histogram({ name: 'edge_gateway_ack_latency_seconds', help: 'Per request: from the events reaching the pipeline to their commit to the WAL (received -> durable).', labelNames: ['source'], buckets: ACK_BUCKETS, registers });
    this.endToEnd = new Histogram({ name: 'edge_gateway_end_to_end_latency_seconds', help: 'Per event: from reaching the pipeline to its Kafka delivery report (received -> Kafka-confirmed).', buckets: END_TO_END_BUCKETS, registers });
    this.forwarded = new Counter({ name: 'edge_gateway_events_forwarded_total', help: 'Events Kafka confirmed (delivery report), by topic.', labelNames: ['topic'], registers });
    this.deliveryErrors = new Counter({ name: 'edge_gateway_delivery_errors_total', help: 'Records Kafka did not confirm, by librdkafka error code.', labelNames: ['code'], registers });
    this.healthMetrics = registerHealthMetrics(this.registry, deps.health);
  }

  /** `text/plain; version=0.0.4` (the Prometheus text format). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text. */
  text(): Promise<string> {
    this.healthMetrics.newScrape();
    return this.registry.metrics();
  }

  /** The ingest path with its outcomes counted and its ack latency observed; `source` names the intake (e.g. `http`). */
  observeIngest(ingest: Submit, source: string): Submit {
    const ack = this.ackLatency.labels(source);
    const observe = async (count: number, typeAt: (i: number) => string, options: SubmitOptions | undefined, submit: () => Promise<Outcome[]>) => {
      // From when the events reached the gateway (before validation on an intake thread), else from now.
      const t0 = options?.receivedAt ?? performance.now();
      let outcomes: Outcome[];
      try {
        outcomes = await submit();
      } catch (err) {
        this.child(this.received, source, '').inc(count);
        this.child(this.rejected, source, err instanceof GatewayError ? err.code : 'internal_error').inc(count);
        throw err;
      }
      ack.observe((performance.now() - t0) / 1000);
      this.countIntake(source, typeAt, outcomes, Math.round(performance.timeOrigin + t0));
      return outcomes;
    };
    return {
      submit: (inputs, options) => observe(inputs.length, (i) => typeOf(inputs[i]!.value), options, () => ingest.submit(inputs, options)),
      commitPrepared: (prepared, options) => {
        const types = new Array<string>(prepared.rejected.length);
        for (let j = 0; j < prepared.at.length; j++) types[prepared.at[j]!] = prepared.types[j]!;
        return observe(prepared.rejected.length, (i) => types[i] ?? '', options, () => ingest.commitPrepared(prepared, options));
      },
    };
  }

  /** For the forwarder (ForwarderDeps.observer). */
  readonly delivery: DeliveryObserver = {
    delivered: (seq, topic) => {
      let child = this.forwardedByTopic.get(topic);
      if (!child) this.forwardedByTopic.set(topic, (child = this.forwarded.labels({ topic })));
      child.inc();
      const at = this.receipts.receivedAt(seq);
      if (at !== undefined) this.endToEnd.observe(Math.max(0, Date.now() - at) / 1000);
      if (++this.deliveries % DROP_EVERY === 0) this.receipts.dropThrough(this.deps.deliveredCursor());
    },
    refused: (code) => this.deliveryErrors.inc({ code }),
  };

  private countIntake(source: string, typeAt: (i: number) => string, outcomes: readonly Outcome[], startedAt: number): void {
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!;
      if (o.status === 'rejected') {
        // Only a validated event's type becomes a label: a sender's junk must not create series.
        this.child(this.received, source, '').inc();
        this.child(this.rejected, source, o.errors[0]?.code ?? 'invalid').inc();
        continue;
      }
      const type = typeAt(i);
      this.child(this.received, source, type).inc();
      if (o.status === 'duplicate') {
        this.child(this.duplicate, source, type).inc();
        continue;
      }
      this.child(this.accepted, source, type).inc();
      // A request's accepted events take consecutive seqs (duplicates take none).
      if (o.seq < first) first = o.seq;
      if (o.seq > last) last = o.seq;
    }
    if (last > 0) this.receipts.add(first, last, startedAt);
  }

  /**
   * The counter's child for these two label values, made once: prom-client hashes a labels object
   * on every `inc`, which costs more than the increment on the per-event path.
   */
  private child(counter: Counter<'source' | 'type'> | Counter<'source' | 'code'>, source: string, second: string): { inc(n?: number): void } {
    let byLabels = this.children.get(counter);
    if (!byLabels) this.children.set(counter, (byLabels = new Map()));
    const key = `${source}\u0000${second}`;
    let c = byLabels.get(key);
    if (!c) byLabels.set(key, (c = (counter as Counter<string>).labels(source, second)));
    return c;
  }
}

/** A validated event's type, for labels. */
function typeOf(input: unknown): string {
  const t = (input as { type?: unknown } | null)?.type;
  return typeof t === 'string' ? t : '';
}
