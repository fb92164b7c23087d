import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { waitFor } from '../../bench/wait-for.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from '../../gateway/wal/delivery-ledger.js';
import { Wal, WalConfigSchema } from '../../gateway/wal/wal.js';
import { createEncoderPool, type EncoderPool } from '../../gateway/sinks/kafka/encoder-pool.js';
import { Forwarder } from '../../gateway/sinks/kafka/forwarder.js';
import { ForwarderConfigSchema } from '../../gateway/sinks/kafka/forwarder-config.js';
import { KafkaConfigSchema, producerConfig } from '../../gateway/sinks/kafka/kafka-config.js';
import { KafkaProducer } from '../../gateway/sinks/kafka/kafka-producer.js';
import { PartitionTailReader } from '../../gateway/sinks/kafka/partition-tail.js';
import { PoisonTriage } from '../../gateway/sinks/kafka/poison-triage.js';
import { ReconcileConfigSchema, Reconciler } from '../../gateway/sinks/kafka/reconciler.js';

/** The forwarder's unit tests' kit: a real WAL file, a real producer, librdkafka's mock cluster. */
export function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  return { log, lines };
}

export function fillWal(path: string, n: number): Wal {
  const wal = new Wal(WalConfigSchema.parse({ path }));
  append(wal, 1, n);
  return wal;
}

export function append(wal: Wal, from: number, to: number): void {
  wal.appendBatch(Array.from({ length: to - from + 1 }, (_, i) => record(from + i)));
}

export function record(seq: number) {
  const i = seq - 1;
  return {
    eventId: `e${seq}`,
    aggregateId: `K${i % 10}`,
    topic: 'fw-test',
    body: JSON.stringify({ eventId: `e${seq}`, type: 'TradeConfirmed', version: 1, aggregateId: `K${i % 10}`, payload: { n: Math.floor(i / 10) } }),
  };
}

export async function forwarderFor(
  wal: Wal,
  bootstrap: string,
  overrides: Record<string, unknown>,
  options: { producer?: Record<string, unknown>; beforeForwarding?: () => Promise<void>; encoder?: (pool: EncoderPool) => EncoderPool } = {},
) {
  const { log, lines } = capturedLog();
  const { deliveryCommitIntervalMs = 50, ...forwarderConfig } = overrides;
  const kafka = KafkaConfigSchema.parse({ producer: options.producer ?? {} });
  const ledger = new DeliveryLedger(DeliveryLedgerConfigSchema.parse({ commitIntervalMs: deliveryCommitIntervalMs }), { wal, log });
  const producer = new KafkaProducer(producerConfig(kafka, bootstrap, 'fw'), { log, bus: { kind: 'embedded', bootstrap } });
  const pool = createEncoderPool({ threads: 1 }, { gatewayId: 'fw' });
  const batches: number[][] = [];
  const counted: EncoderPool = {
    encode: (events) => {
      batches.push(events.map((e) => e.seq));
      return pool.encode(events);
    },
    close: () => pool.close(),
  };
  const encoder = options.encoder?.(counted) ?? counted;
  const tail = new PartitionTailReader(ReconcileConfigSchema.parse({ timeoutMs: 10_000 }), { bootstrap, gatewayId: 'fw', clientConfig: {}, timeIndex: false });
  const reconciler = new Reconciler({ wal, ledger, tail, log });
  let forwarder: Forwarder | undefined;
  const triage = new PoisonTriage({}, { wal, ledger, producer, gatewayId: 'fw', log, onChange: () => forwarder?.notifyAppended() });
  const crashes: Error[] = [];
  forwarder = new Forwarder(ForwarderConfigSchema.parse(forwarderConfig), {
    wal, ledger, producer, encoder, reconciler, triage, log, onCrash: (err) => crashes.push(err),
  });
  const f = forwarder;
  ledger.start();
  producer.start();
  await waitFor('the producer to connect', () => producer.ready);
  await options.beforeForwarding?.();
  f.start();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await f.stop(Date.now() + 5000);
      await encoder.close();
      await producer.stop(Date.now());
      await ledger.stop(Date.now() + 1000);
      assert.deepEqual(crashes, [], 'the loop never crashed');
    })());
  const health = () => f.health() as { breaker: { state: string; opened: number; halfOpened: number; closed: number }; retries: number; readBacks: number; recoveredByReadBack: number; outcomes: Record<string, number> };
  return { forwarder: f, ledger, producer, batches, lines, deadLetters: wal.deadLetters, health, reconciler, stop };
}

