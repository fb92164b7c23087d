import type { Logger } from 'pino';
import { z } from 'zod';
import type { Wal } from '../../wal/wal.js';

export const ReconcileConfigSchema = z.strictObject({
  /** At most this many records are read back per partition; older ones are assumed absent. */
  maxRecordsPerPartition: z.number().int().positive().default(1_000_000),
  /** Reading back must finish within this time (ms), else it is retried (nothing is sent meanwhile). */
  timeoutMs: z.number().int().positive().default(60_000),
  /**
   * Reading starts this long (ms) before the oldest pending event was received, in case record
   * timestamps come from a broker clock behind ours (LogAppendTime) or ours stepped back.
   */
  clockSkewMs: z.number().int().nonnegative().default(300_000),
});
export type ReconcileConfig = z.infer<typeof ReconcileConfigSchema>;

/** A record this gateway wrote, found in a partition (from its `gateway-id`, `gateway-seq`, `event-id` headers). */
export interface OwnRecord {
  seq: number;
  topic: string;
  eventId: string;
  partition: number;
  offset: number;
}

export interface TailReader {
  /**
   * This gateway's records in each topic since `since` (epoch ms). Rejects when Kafka cannot be
   * read, or when `cancelled()` turns true while reading.
   */
  read(topics: ReadonlyArray<{ topic: string; since: number }>, cancelled?: () => boolean): Promise<OwnRecord[]>;
}

/** What the reconciler needs to know of the pending rows. */
export interface PendingRows {
  isFinished(seq: number): boolean;
  /** The eventId stored at `seq`, or undefined when no row has that seq. */
  eventIdAt(seq: number): string | undefined;
}

/**
 * Pure: the records read back that finish a pending row: same seq and same eventId, not finished
 * yet. A record with this gateway's id but another eventId at that seq (a WAL that was reset, or
 * a seq reused by another gateway under the same id) finishes nothing. Each seq counts once.
 */
export function matchReadBack(found: readonly OwnRecord[], rows: PendingRows): OwnRecord[] {
  const out: OwnRecord[] = [];
  const seen = new Set<number>();
  for (const r of found) {
    if (seen.has(r.seq) || rows.isFinished(r.seq) || rows.eventIdAt(r.seq) !== r.eventId) continue;
    seen.add(r.seq);
    out.push(r);
  }
  return out;
}

/**
 * Finds what Kafka already has of the pending rows (a delivery report may be lost while the record
 * was written: a crash, a timeout in flight) by reading back the partitions they go to, and
 * finishes those rows, so nothing is sent twice. Run only with nothing in flight.
 */
export class Reconciler {
  private runs = 0;
  private recovered = 0;

  constructor(
    private readonly deps: {
      wal: Pick<Wal, 'topicsAfter' | 'eventIdAt'>;
      ledger: { readonly cursor: number; isFinished(seq: number): boolean; finish(seq: number, position: { partition: number; offset: number }): void };
      tail: TailReader;
      log: Logger;
    },
  ) {}

  /**
   * Reads back and finishes what Kafka has; returns how many rows it finished. Rejects when Kafka
   * cannot be read. When `wanted()` is false once the read returns (the gateway is stopping and
   * may have closed the WAL), it changes nothing.
   */
  async reconcile(wanted: () => boolean = () => true): Promise<number> {
    const { wal, ledger, tail, log } = this.deps;
    const started = Date.now();
    const topics = wal.topicsAfter(ledger.cursor);
    const found = await tail.read(topics, () => !wanted());
    if (!wanted()) return 0;
    const matched = matchReadBack(found, { isFinished: (s) => ledger.isFinished(s), eventIdAt: (s) => wal.eventIdAt(s) });
    for (const r of matched) ledger.finish(r.seq, { partition: r.partition, offset: r.offset });
    this.runs++;
    this.recovered += matched.length;
    log.info(
      { topics: topics.map((t) => t.topic), ownRecordsRead: found.length, alreadyInKafka: matched.length, ms: Date.now() - started },
      'reconciled the WAL with kafka',
    );
    return matched.length;
  }

  /** For the forwarder's health: read-backs completed and rows they finished. */
  figures(): { readBacks: number; recoveredByReadBack: number } {
    return { readBacks: this.runs, recoveredByReadBack: this.recovered };
  }
}
