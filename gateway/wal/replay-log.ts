import type { Database, Statement } from 'better-sqlite3';

/** Which delivered events a replay re-sends; every field narrows the selection (all: AND). */
export interface ReplayFilter {
  /** Inclusive seq range. */
  fromSeq?: number;
  toSeq?: number;
  /** When the gateway received them (the records' timestamps), epoch ms: `from` inclusive, `to` exclusive. */
  receivedFrom?: number;
  receivedTo?: number;
  /** The envelope's `type`. */
  type?: string;
  aggregateId?: string;
}

/** One event a replay selected. */
export interface ReplayCandidate {
  seq: number;
  eventId: string;
  type: string;
  aggregateId: string;
  topic: string;
  /** Epoch ms. */
  receivedAt: number;
}

/**
 * The replay rows' queries (the WAL owns the transaction that appends them): a replayed event is a
 * new row at the end of the log, a copy of the original's body and topic with `replay_of` (the
 * original seq) and `replay_id`, so the forwarder delivers it like any other, in seq order.
 */
export class ReplayLog {
  private readonly selectStmt: Statement;
  private readonly copyStmt: Statement;

  constructor(db: Database) {
    // Bounded by the seq range (the primary key) first; the time, type and key filters are checked
    // per row. Dead letters were never delivered, and replays are not replayed again.
    this.selectStmt = db.prepare(
      `SELECT seq, event_id AS eventId, json_extract(body, '$.type') AS type, aggregate_id AS aggregateId, topic, received_at AS receivedAt
       FROM events
       WHERE seq >= @fromSeq AND seq <= @toSeq AND replay_of IS NULL
         AND received_at >= @receivedFrom AND received_at < @receivedTo
         AND (@aggregateId IS NULL OR aggregate_id = @aggregateId)
         AND (@type IS NULL OR json_extract(body, '$.type') = @type)
         AND seq NOT IN (SELECT seq FROM dead_letters)
       ORDER BY seq LIMIT @limit`,
    );
    this.copyStmt = db.prepare(
      `INSERT INTO events (seq, event_id, aggregate_id, topic, received_at, body, replay_of, replay_id, sender)
       SELECT @newSeq, event_id, aggregate_id, topic, @now, body, seq, @replayId, sender FROM events WHERE seq = @seq AND replay_of IS NULL`,
    );
  }

  /** Events at or below `deliveredCursor` (confirmed by Kafka) matching `filter`, in seq order, at most `limit`. */
  select(filter: ReplayFilter, deliveredCursor: number, limit: number): ReplayCandidate[] {
    return this.selectStmt.all({
      fromSeq: filter.fromSeq ?? 0,
      toSeq: Math.min(filter.toSeq ?? Number.MAX_SAFE_INTEGER, deliveredCursor),
      receivedFrom: filter.receivedFrom ?? 0,
      receivedTo: filter.receivedTo ?? Number.MAX_SAFE_INTEGER,
      aggregateId: filter.aggregateId ?? null,
      type: filter.type ?? null,
      limit,
    }) as ReplayCandidate[];
  }

  /** Inside the WAL's transaction: copies `seq` as `newSeq`; false when `seq` is no longer stored. */
  copy(seq: number, newSeq: number, replayId: string, now: number): boolean {
    return this.copyStmt.run({ seq, newSeq, replayId, now }).changes === 1;
  }
}
