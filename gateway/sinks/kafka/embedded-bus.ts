import Kafka from 'node-rdkafka';
import type { ComponentHealth, StopOutcome } from '../../lifecycle/component.js';

export const EMBEDDED_BUS_WARNING =
  'kafka.brokers is empty: events go to an in-memory embedded bus that is lost when the process exits; for trying the gateway only';

/** Said at start-up when the WAL already held events: they outlived the embedded bus they went to. */
export const EMBEDDED_BUS_STALE_WAL =
  'the WAL holds events from an earlier run whose embedded bus is gone: re-sent eventIds still within wal.retention.periodMs ' +
  'are answered "duplicate" though their records exist nowhere; to start afresh, stop the gateway and delete the WAL file with its -wal and -shm files';

/**
 * The embedded dev bus: librdkafka's in-process mock cluster, hosted by a client of its own so the
 * gateway's producer reaches it through an ordinary bootstrap address. Data lives in memory and
 * dies with the process: for trying the gateway only.
 */
export class EmbeddedBus {
  readonly name = 'bus';
  private host: Kafka.Producer | undefined;
  private address = '';

  /** host:port of the mock cluster, once started. */
  get bootstrap(): string {
    return this.address;
  }

  /** Creates the mock cluster; rejects if librdkafka cannot (10 s). */
  async start(): Promise<void> {
    const host = new Kafka.Producer({
      'test.mock.num.brokers': 1,
      'client.id': 'edge-gateway-embedded-bus',
    } as Kafka.ProducerGlobalConfig);
    this.host = host;
    await new Promise<void>((resolve, reject) =>
      host.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve())),
    );
    const md = await new Promise<Kafka.Metadata>((resolve, reject) =>
      host.getMetadata({ timeout: 10_000 }, (err, data) => (err ? reject(err) : resolve(data))),
    );
    this.address = md.brokers.map((b) => `${b.host}:${b.port}`).join(',');
  }

  async stop(): Promise<StopOutcome> {
    const host = this.host;
    this.host = undefined;
    if (host) await new Promise<void>((resolve) => host.disconnect(() => resolve()));
    return 'clean';
  }

  health(): ComponentHealth {
    return { bootstrap: this.address };
  }
}
