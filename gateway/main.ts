import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/config-schema.js';
import { EMBEDDED_BUS_WARNING, readyReport } from './health/ready-report.js';
import { Ingest } from './pipeline/ingest.js';
import { EmbeddedBus } from './sinks/kafka/embedded-bus.js';
import { createEncoderPool } from './sinks/kafka/encoder-pool.js';
import { Forwarder } from './sinks/kafka/forwarder.js';
import { clientConnectionConfig, producerConfig } from './sinks/kafka/kafka-config.js';
import { KafkaProducer } from './sinks/kafka/kafka-producer.js';
import { PartitionTailReader } from './sinks/kafka/partition-tail.js';
import { HttpSource } from './sources/http/http-source.js';
import { DeadLetterStore } from './wal/dead-letter-store.js';
import { GroupCommit } from './wal/group-commit.js';
import { Wal } from './wal/wal.js';
import { WalBudget } from './wal/wal-budget.js';

export interface RunningGateway {
  http: AddressInfo;
  /** Bootstrap address of the bus the gateway writes to. */
  bootstrap: string;
  embeddedBus: boolean;
  /** Drains in order: intake, commits, forwarding, then closes the WAL. Idempotent. */
  stop(deadline: number): Promise<void>;
  /** Settles if the gateway can no longer forward (a fatal Kafka client error): stop and exit non-zero. */
  fatal: Promise<Error>;
}

/** The composition root: builds every component from the config and wires them together. */
export async function startGateway(config: GatewayConfig, deps: { log: Logger }): Promise<RunningGateway> {
  const { log } = deps;
  // Teardown in reverse order of construction, also when start-up fails half-way.
  const cleanups: Array<(deadline: number) => Promise<void> | void> = [];
  const cleanup = async (deadline: number) => {
    for (const c of [...cleanups].reverse()) await c(deadline);
  };
  try {
    const wal = new Wal(config.wal);
    cleanups.push(() => wal.close());

    const embedded = config.kafka.brokers.length === 0;
    let bootstrap = config.kafka.brokers.join(',');
    if (embedded) {
      const bus = new EmbeddedBus();
      bootstrap = await bus.start();
      cleanups.push(() => bus.stop());
      log.warn({ bootstrap }, EMBEDDED_BUS_WARNING);
    }

    const producer = new KafkaProducer(producerConfig(config.kafka, bootstrap, config.gatewayId), { log });
    const fatal = new Promise<Error>((resolve) => producer.onFatal((err) => resolve(new Error(err.message))));
    producer.start();
    cleanups.push(() => producer.stop());

    const encoder = createEncoderPool({ threads: config.forwarder.workerThreads }, { gatewayId: config.gatewayId });
    cleanups.push(() => encoder.close());

    const deadLetters = new DeadLetterStore(wal);
    const tail = new PartitionTailReader(config.forwarder.reconcile, {
      bootstrap,
      gatewayId: config.gatewayId,
      clientConfig: clientConnectionConfig(config.kafka),
      timeIndex: !embedded,
    });
    const forwarder = new Forwarder(config.forwarder, { wal, producer, encoder, tail, deadLetters, gatewayId: config.gatewayId, log });
    forwarder.start();
    cleanups.push((deadline) => forwarder.stop(deadline));

    const budget = new WalBudget(config.wal.budget, { wal, pendingEvents: () => forwarder.pendingEvents, log });
    budget.start();
    cleanups.push(() => budget.stop());

    const commit = new GroupCommit(wal);
    commit.onAppended(() => forwarder.notifyAppended());
    const ingest = new Ingest(config.kafka, { commit, budget });

    const http = new HttpSource(config.http, {
      ingest,
      log,
      lookup: (eventId) => {
        const e = wal.findEvent(eventId);
        if (!e) return undefined;
        const d = forwarder.deliveryOf(e.seq);
        return {
          status: d.delivered ? 'forwarded' : 'accepted',
          seq: e.seq,
          topic: e.topic,
          ...(d.partition !== undefined ? { partition: d.partition, offset: d.offset } : {}),
          receivedAt: new Date(e.receivedAt).toISOString(),
        };
      },
      health: () => readyReport(config.gatewayId, { embedded, bootstrap }, { wal, forwarder, producer, deadLetters, budget }),
      deadLetters: {
        list: (after, limit) => deadLetters.list(after, limit),
        get: (seq) => deadLetters.get(seq),
        redrive: async (seq) => {
          const dead = deadLetters.get(seq);
          if (dead && producer.ready) await producer.refreshTopic(dead.topic);
          const out = deadLetters.redrive(seq);
          log.info(out, 'dead letter re-driven');
          forwarder.notifyAppended();
          return out;
        },
      },
    });
    const address = await http.start();
    log.info({ address: address.address, port: address.port, bootstrap, embeddedBus: embedded }, 'edge-gateway listening');

    let stopping: Promise<void> | undefined;
    const stop = (deadline: number) =>
      (stopping ??= (async () => {
        log.info('stopping: intake closed');
        await http.stop(deadline);
        await commit.drain();
        await cleanup(deadline);
        log.info('stopped');
      })());
    return { http: address, bootstrap, embeddedBus: embedded, stop, fatal };
  } catch (err) {
    await cleanup(Date.now() + config.shutdown.deadlineMs);
    throw err;
  }
}
