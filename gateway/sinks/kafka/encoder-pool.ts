import { Piscina } from 'piscina';
import { workerFile } from '../../lifecycle/worker-file.js';
import type { StoredEvent } from '../../wal/stored-event.js';
import { encodeRecords, type EncodedBatch } from './record-encoder.js';

/** Turns WAL rows into Kafka records, on worker threads or (threads = 0) inline on the event loop. */
export interface EncoderPool {
  encode(events: StoredEvent[]): Promise<EncodedBatch>;
  close(): Promise<void>;
  /** Batches waiting for a thread (0 inline). */
  queueDepth?(): number;
}

export function createEncoderPool(config: { threads: number }, deps: { gatewayId: string }): EncoderPool {
  const { gatewayId } = deps;
  if (config.threads === 0) {
    return { encode: async (events) => encodeRecords(events, gatewayId), close: async () => {}, queueDepth: () => 0 };
  }
  const pool = new Piscina<{ events: StoredEvent[]; gatewayId: string }, EncodedBatch>({
    filename: workerFile('encode-records'),
    minThreads: config.threads,
    maxThreads: config.threads,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  let closing: Promise<void> | undefined;
  return {
    encode: (events) => pool.run({ events, gatewayId }),
    close: () => (closing ??= pool.destroy()),
    queueDepth: () => pool.queueSize,
  };
}
