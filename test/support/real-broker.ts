import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Kafka from 'node-rdkafka';

const BROKER_SH = fileURLToPath(new URL('../kafka/broker.sh', import.meta.url));

/** The real broker's bootstrap (KAFKA_BROKERS). Tests under test/fault/ fail without it. */
export function realBroker(): string {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: start the broker with test/kafka/broker.sh start');
  return brokers;
}

/**
 * Runs test/kafka/broker.sh (kill, restart, stop, status) on the broker named by KAFKA_BROKERS.
 * KAFKA_PORT is taken from KAFKA_BROKERS so the script finds the same broker and data dir.
 */
export async function brokerCtl(command: 'kill' | 'restart' | 'stop' | 'status'): Promise<string> {
  const port = realBroker().split(',')[0]!.split(':')[1]!;
  const { stdout } = await promisify(execFile)(BROKER_SH, [command], {
    env: { ...process.env, KAFKA_PORT: process.env.KAFKA_PORT ?? port },
    timeout: 120_000,
  });
  return stdout.trim();
}

/** Creates `topic` (3 partitions) on the real broker with topic-level `config`, e.g. `{ 'max.message.bytes': '20000' }`. */
export function createTopic(topic: string, config: Record<string, string> = {}): Promise<void> {
  const admin = Kafka.AdminClient.create({ 'bootstrap.servers': realBroker() });
  return new Promise<void>((resolve, reject) =>
    admin.createTopic({ topic, num_partitions: 3, replication_factor: 1, config }, 10_000, (err) => (err ? reject(err) : resolve())),
  ).finally(() => admin.disconnect());
}

/** The real broker's secured listener (SASL_SSL, SCRAM-SHA-512) as `broker.sh secured` describes it. */
export interface SecuredBroker {
  bootstrap: string;
  /** The test CA's certificate (PEM) that signed the broker's. */
  caFile: string;
  username: string;
  /** File holding the SCRAM password (0600). */
  passwordFile: string;
}

/** Asks test/kafka/broker.sh for the secured listener of the broker named by KAFKA_BROKERS (same KAFKA_DATA_DIR). */
export async function securedBroker(): Promise<SecuredBroker> {
  const port = realBroker().split(',')[0]!.split(':')[1]!;
  const { stdout } = await promisify(execFile)(BROKER_SH, ['secured'], { env: { ...process.env, KAFKA_PORT: process.env.KAFKA_PORT ?? port } });
  return JSON.parse(stdout) as SecuredBroker;
}
