import { z } from 'zod';

/** The forwarder's section: how it batches, how much it keeps in flight, how it backs off. */
export const ForwarderConfigSchema = z.strictObject({
  /** WAL rows read, encoded and produced together. */
  batchSize: z.number().int().positive().default(500),
  /**
   * Records handed to librdkafka and not yet confirmed, at most. The backlog stays in the WAL. Small
   * on purpose: against a broker on this machine 2,500-3,000 drained faster than 20,000 and took
   * ~85 MB less memory (bench/README.md, "Third pass"); it caps the rate at this many records per
   * round trip plus `linger.ms`, e.g. 3,000 / 15 ms = 200,000 records/s at a 10 ms round trip.
   */
  maxInFlightEvents: z.number().int().positive().max(100_000).default(3_000),
  /**
   * Worker threads encoding records; 0 encodes on the event loop. Inline is the default: encoding
   * costs ~1.5 us a record, less than handing the rows to a thread (bench/README.md has the figures).
   */
  workerThreads: z.number().int().min(0).max(64).default(0),
  /** Backoff (ms) before sending again from the delivered cursor after a failure: exponential, jittered. */
  retry: z
    .strictObject({
      initialMs: z.number().int().positive().default(100),
      maxMs: z.number().int().positive().default(30_000),
    })
    .prefault({}),
  /** The opossum circuit breaker around each batch hand-over. */
  breaker: z
    .strictObject({
      /** A batch not confirmed within this time (ms) counts as a failure. */
      timeoutMs: z.number().int().positive().default(30_000),
      /** How long (ms) the breaker stays open before a half-open probe. */
      resetTimeoutMs: z.number().int().positive().default(5_000),
      /** Share of failed batches (%) in the rolling window that opens the breaker. */
      errorThresholdPercentage: z.number().min(1).max(100).default(50),
      /** Batches in the window before the share counts. */
      volumeThreshold: z.number().int().nonnegative().default(2),
    })
    .prefault({}),
});
export type ForwarderConfig = z.infer<typeof ForwarderConfigSchema>;
