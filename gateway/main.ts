import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { AdminListener, type AdminAddress } from './admin/admin-listener.js';
import { deadLetterRoutes } from './admin/dead-letter-routes.js';
import { eventRoutes } from './admin/event-routes.js';
import { healthRoutes, type HealthSource } from './admin/health-routes.js';
import { intakeControlRoutes } from './admin/intake-control-routes.js';
import { replayRoutes } from './admin/replay-routes.js';
import { walStats, walStatsRoutes } from './admin/wal-stats-routes.js';
import { SenderRegistry } from './auth/sender-registry.js';
import type { GatewayConfig } from './config/config-schema.js';
import { stopOnce, type Component, type StopOutcome } from './lifecycle/component.js';
import { CertificateReloader } from './lifecycle/certificate-reloader.js';
import { EventLoopMonitor } from './lifecycle/event-loop-monitor.js';
import { metricsRoutes } from './admin/metrics-route.js';
import { SystemdNotifier } from './lifecycle/systemd-notify.js';
import { configDigest } from './observability/config-digest.js';
import { GatewayMetrics } from './observability/metrics.js';
import type { StopReport } from './lifecycle/process-supervisor.js';
import { Bulkheads } from './pipeline/bulkheads.js';
import { Ingest } from './pipeline/ingest.js';
import { IntakeGate } from './pipeline/intake-gate.js';
import { Router } from './pipeline/routing.js';
import { EmbeddedBus, EMBEDDED_BUS_STALE_WAL, EMBEDDED_BUS_WARNING } from './sinks/kafka/embedded-bus.js';
import { createEncoderPool } from './sinks/kafka/encoder-pool.js';
import { Forwarder } from './sinks/kafka/forwarder.js';
import { clientConnectionConfig, producerConfig } from './sinks/kafka/kafka-config.js';
import { KafkaProducer } from './sinks/kafka/kafka-producer.js';
import { withKafkaSecrets } from './sinks/kafka/kafka-secrets.js';
import { PartitionTailReader } from './sinks/kafka/partition-tail.js';
import { PoisonTriage } from './sinks/kafka/poison-triage.js';
import { Reconciler } from './sinks/kafka/reconciler.js';
import { FixAcceptor } from './sources/fix/fix-acceptor.js';
import { HttpSource } from './sources/http/http-source.js';
import { intakeRoutes } from './sources/http/intake-routes.js';
import { RequestPool } from './sources/http/request-pool.js';
import type { Route } from './sources/http/router.js';
import { schemaRoutes } from './sources/http/schema-routes.js';
import { DeliveryLedger } from './wal/delivery-ledger.js';
import { GroupCommit } from './wal/group-commit.js';
import { Retention } from './wal/retention.js';
import { Wal } from './wal/wal.js';
import { WalBudget } from './wal/wal-budget.js';

export interface RunningGateway {
  http: AddressInfo;
  /** The admin listener: a TCP address or a Unix socket. */
  admin: AdminAddress;
  /** The FIX acceptor's address, when `fix.listen` is set. */
  fix?: AddressInfo;
  /** Bootstrap address of the bus the gateway writes to. */
  bootstrap: string;
  embeddedBus: boolean;
  /** Stops every component in reverse order of start by the deadline (epoch ms). Idempotent. */
  stop(deadline: number): Promise<StopReport>;
  /** Settles when a component can no longer work (a fatal Kafka client error, a crashed loop): stop and exit non-zero. */
  fatal: Promise<{ err: Error; origin: string }>;
}

/**
 * The composition root: builds every component from its config section, wires them, starts them
 * in order, and stops them in reverse. Nothing else happens here.
 */
export async function startGateway(config: GatewayConfig, deps: { log: Logger }): Promise<RunningGateway> {
  const { log } = deps;
  const started: Component[] = [];
  const stopAll = async (deadline: number): Promise<StopReport> => {
    const forced: string[] = [];
    for (const c of [...started].reverse()) {
      const outcome = await c.stop(deadline).catch((err: unknown) => {
        log.error({ err, component: c.name }, 'failed to stop');
        return 'forced' as const;
      });
      if (outcome === 'forced') forced.push(c.name);
    }
    return { outcome: forced.length > 0 ? 'forced' : 'clean', forced };
  };
  const run = async <C extends Component>(c: C): Promise<C> => {
    started.push(c);
    await c.start();
    return c;
  };
  let reportFatal!: (f: { err: Error; origin: string }) => void;
  const fatal = new Promise<{ err: Error; origin: string }>((resolve) => (reportFatal = resolve));

  let statusLine = () => 'starting';
  const systemd = SystemdNotifier.fromEnv(process.env, { log, status: () => statusLine() });
  systemd.status('starting: opening the WAL, connecting to Kafka');
  try {
    // First: a token file that cannot be read (or that others may read) stops start-up before anything opens.
    const senders = new SenderRegistry(config.auth, { log });
    const kafka = withKafkaSecrets(config.kafka);
    const eventLoop = await run(new EventLoopMonitor());
    const wal = await run(new Wal(config.wal));
    const ledger = await run(new DeliveryLedger(config.wal.delivery, { wal, log }));
    let health: HealthSource[] = [];
    let figures: HealthSource[] = [];
    const metrics = new GatewayMetrics({
      health: () => Object.fromEntries(figures.map((s) => [s.name, s.health()])),
      deliveredCursor: () => ledger.cursor,
    });
    const retention = await run(new Retention(config.wal.retention, { wal, ledger, log }));
    // Kafka takes events now (for the backlog-age budget); known once the forwarder is built.
    let forwarding = () => false;
    const diskPath = config.wal.path === ':memory:' ? {} : { diskPath: dirname(config.wal.path) };
    const budget = await run(new WalBudget(config.wal.budget, { wal, ledger, retention, log, forwarding: () => forwarding(), ...diskPath }));
    const walHeldEvents = wal.lastSeq > 0;
    // The intake threads warm up before forwarding starts (a drain is timed from the listener on), and
    // are stopped after the listener: requests in progress finish on their threads.
    const maxRecordBytes = Number(config.kafka.producer['message.max.bytes'] ?? 1_000_000);
    const limits = { maxEvents: config.http.maxEventsPerRequest, maxDepth: config.http.maxJsonDepth };
    const pool = await run(new RequestPool(config.http, { log, settings: { catalogue: config.catalogue, routing: config.routing, bulkheads: config.bulkheads, maxRecordBytes, limits } }));

    const embedded = config.kafka.brokers.length === 0;
    let bootstrap = config.kafka.brokers.join(',');
    if (embedded) {
      const bus = await run(new EmbeddedBus());
      bootstrap = bus.bootstrap;
      log.warn({ bootstrap }, EMBEDDED_BUS_WARNING);
      if (walHeldEvents) log.warn({ wal: config.wal.path, lastSeq: wal.lastSeq }, EMBEDDED_BUS_STALE_WAL);
    }
    const bus = { kind: embedded ? ('embedded' as const) : ('external' as const), bootstrap, ...(embedded ? { warning: EMBEDDED_BUS_WARNING } : {}) };
    const producer = new KafkaProducer(producerConfig(kafka, bootstrap, config.gatewayId), { log, bus });
    producer.onFatal((err) => reportFatal({ err: new Error(err.message), origin: 'kafka producer' }));
    await run(producer);
    const encoder = createEncoderPool({ threads: config.forwarder.workerThreads }, { gatewayId: config.gatewayId });
    await run(closeable('encoder', () => encoder.close(), log));

    const tail = new PartitionTailReader(config.forwarder.reconcile, {
      bootstrap,
      gatewayId: config.gatewayId,
      clientConfig: clientConnectionConfig(kafka),
      timeIndex: !embedded,
    });
    const reconciler = new Reconciler({ wal, ledger, tail, log });
    let forwarder: Forwarder | undefined;
    const triage = new PoisonTriage({ deadLetterTopic: config.forwarder.deadLetterTopic }, { wal, ledger, producer, gatewayId: config.gatewayId, log, onChange: () => forwarder?.notifyAppended() });
    forwarder = await run(
      new Forwarder(config.forwarder, { wal, ledger, producer, encoder, reconciler, triage, log, onCrash: (err) => reportFatal({ err, origin: 'forwarder' }), observer: metrics.delivery }),
    );

    forwarding = () => producer.ready && forwarder?.breakerState === 'closed';
    const commit = await run(new GroupCommit(wal));
    commit.onAppended(() => forwarder?.notifyAppended());
    const gate = new IntakeGate({ log, retryAfterSeconds: config.wal.budget.retryAfterSeconds });
    const bulkheads = new Bulkheads(config.bulkheads);
    const ingest = new Ingest({ catalogue: config.catalogue }, { commit, budget, gate, maxRecordBytes, bulkheads, router: new Router(config.routing) });

    const deadLetters: HealthSource = { name: 'deadLetters', health: () => ({ open: wal.deadLetters.openCount }) };
    const statusOf = (id: string) => ledger.statusOf(id);
    const encoderQueue: HealthSource = { name: 'encoder', health: () => ({ queueDepth: encoder.queueDepth?.() ?? 0 }) };
    const probes = healthRoutes({ gatewayId: config.gatewayId, sources: () => health });
    // The admin listener's routes: GETs are open, every other method needs the admin token. A
    // further route module (e.g. GET /metrics) is one more entry here.
    const adminRoutes: Route[] = [
      ...probes,
      ...eventRoutes({ statusOf }),
      ...walStatsRoutes(() => walStats(wal, ledger)),
      ...deadLetterRoutes({
        list: (after, limit) => wal.deadLetters.list(after, limit),
        get: (seq) => wal.deadLetters.get(seq),
        redrive: (seq) => triage.redrive(seq),
      }),
      ...replayRoutes({
        select: (filter, limit) => wal.replays.select(filter, ledger.cursor, limit),
        append: (seqs, replayId) => wal.appendReplay(seqs, replayId),
        appended: () => forwarder?.notifyAppended(),
        maxEvents: config.admin.replay.maxEvents,
        log,
      }),
      ...intakeControlRoutes(gate),
      ...metricsRoutes(metrics),
    ];
    // Started before intake so it is stopped after it: operators can watch the drain.
    const admin = await run(new AdminListener(config.admin, { log, routes: adminRoutes }));
    // Intake keeps the health routes too: senders' load balancers probe them there.
    const http = new HttpSource(config.http, { log, routes: [...intakeRoutes(config.http, { ingest: metrics.observeIngest(ingest, 'http'), pool, statusOf, senders }), ...schemaRoutes(), ...probes] });
    const fix = new FixAcceptor(config.fix, { log, wal, ingest: metrics.observeIngest(ingest, 'fix'), admitting: () => admits(gate, budget), senders });
    const certificates = new CertificateReloader({ targets: () => [http, admin, fix].filter((l) => l.tls), log });
    // For Prometheus only: each TLS listener's seconds to expiry (health gives whole days).
    const tlsExpiry: HealthSource = { name: 'tlsExpiry', health: () => Object.fromEntries([http, admin, fix].flatMap((l) => (l.tls ? [[l.name, l.tls.secondsLeft()]] : []))) };
    health = [wal, ledger, retention, budget, bulkheads, deadLetters, gate, forwarder, producer, commit, pool, http, fix, admin, senders, certificates, eventLoop];
    figures = [...health, encoderQueue, tlsExpiry];
    await run(http);
    await run(fix);
    await run(certificates);
    const address = http.address!;
    const adminAt = admin.address!;
    const adminUrl = 'socket' in adminAt ? `unix:${adminAt.socket}` : `http://${adminAt.family === 'IPv6' ? `[${adminAt.address}]` : adminAt.address}:${adminAt.port}`;
    // The start-up summary: one line an operator can compare across hosts and restarts.
    log.info(
      { address: address.address, port: address.port, admin: adminUrl, ...(fix.address ? { fix: fix.address } : {}), bootstrap, embeddedBus: embedded, configSha256: configDigest(config), node: process.version, wal: { path: config.wal.path, synchronous: config.wal.synchronous, lastSeq: wal.lastSeq, pendingEvents: ledger.pendingEvents } },
      'edge-gateway listening',
    );

    // READY=1 now that the WAL is open and the listener is up; stopped first, so STOPPING=1 opens the drain.
    statusLine = () => `ready: ${ledger.pendingEvents} events pending for Kafka, breaker ${forwarder!.breakerState}, intake ${String(budget.health().intake)}`;
    await run(systemd);

    let stopping: Promise<StopReport> | undefined;
    const stop = (deadline: number) =>
      (stopping ??= (async () => {
        const startedAt = Date.now();
        const report = await stopAll(deadline);
        log[report.outcome === 'clean' ? 'info' : 'error']({ stop: report.outcome, forced: report.forced, ms: Date.now() - startedAt }, 'stopped');
        return report;
      })());
    return { http: address, admin: adminAt, ...(fix.address ? { fix: fix.address } : {}), bootstrap, embeddedBus: embedded, stop, fatal };
  } catch (err) {
    await stopAll(Date.now() + config.shutdown.deadlineMs);
    throw err;
  }
}

/** Whether intake takes more now: not paused, WAL within budget (a FIX source stops reading while not). */
function admits(gate: IntakeGate, budget: WalBudget): boolean {
  try {
    gate.admit();
    budget.admit();
    return true;
  } catch {
    return false;
  }
}

/** A component that only needs closing (e.g. the encoder pool). */
function closeable(name: string, close: () => Promise<void>, log: Logger): Component {
  return {
    name,
    start: () => {},
    stop: stopOnce(async (): Promise<StopOutcome> => {
      await close();
      return 'clean';
    }, (err) => log.error({ err, component: name }, 'failed to stop')),
    health: () => ({}),
  };
}
