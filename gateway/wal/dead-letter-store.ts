import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from './stored-event.js';

export interface DeadLetterSummary {
  seq: number;
  eventId: string;
  aggregateId: string;
  topic: string;
  receivedAt: string;
  failedAt: string;
  /** librdkafka's error name (e.g. `ERR_MSG_SIZE_TOO_LARGE`) and message. */
  error: { code: string; message: string };
  bodyBytes: number;
  redrivenSeq?: number;
  redrivenAt?: string;
}

export interface DeadLetter extends DeadLetterSummary {
  /** The event as stored (canonical JSON, parsed). */
  event: unknown;
}

/** A row of `dead_letters` (migration 2). */
export interface DeadLetterRow {
  seq: number;
  event_id: string;
  aggregate_id: string;
  topic: string;
  received_at: number;
  body: string;
  error_code: string;
  error_message: string;
  failed_at: number;
  redriven_seq: number | null;
  redriven_at: number | null;
  /** Migration 5: the sender's name, or null. */
  sender: string | null;
}

/**
 * Events Kafka refused permanently, kept whole in the WAL's file with the broker's error. Part of
 * the WAL, which creates it and runs the re-drive transaction. Writing a dead letter and finishing
 * its WAL row are separate steps: a crash between them sends the event again, and it is refused
 * again and recorded once (`seq` is the key).
 */
export class DeadLetterStore {
  private readonly insert: Statement;
  private readonly listStmt: Statement;
  private readonly getStmt: Statement;
  private readonly countStmt: Statement;
  private readonly markStmt: Statement;

  constructor(
    db: Database,
    private readonly deps: { now: () => number },
  ) {
    this.insert = db.prepare(
      `INSERT INTO dead_letters (seq, event_id, aggregate_id, topic, received_at, body, error_code, error_message, failed_at, sender)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING`,
    );
    this.listStmt = db.prepare('SELECT * FROM dead_letters WHERE seq > ? ORDER BY seq LIMIT ?');
    this.getStmt = db.prepare('SELECT * FROM dead_letters WHERE seq = ?');
    this.countStmt = db.prepare('SELECT count(*) FROM dead_letters WHERE redriven_seq IS NULL').pluck();
    this.markStmt = db.prepare('UPDATE dead_letters SET redriven_seq = ?, redriven_at = ? WHERE seq = ?');
  }

  /** One statement; a second add of the same seq changes nothing. */
  add(event: StoredEvent, error: { code: string; message: string }): void {
    this.insert.run(event.seq, event.eventId, event.aggregateId, event.topic, event.receivedAt, event.body, error.code, error.message, this.deps.now(), event.sender ?? null);
  }

  /** Dead letters after `afterSeq`, oldest first, at most `limit`, without their bodies. */
  list(afterSeq: number, limit: number): DeadLetterSummary[] {
    return (this.listStmt.all(afterSeq, limit) as DeadLetterRow[]).map(summary);
  }

  get(seq: number): DeadLetter | undefined {
    const r = this.row(seq);
    return r && { ...summary(r), event: JSON.parse(r.body) };
  }

  /** Dead letters not re-driven yet. */
  get openCount(): number {
    return this.countStmt.get() as number;
  }

  /** For the WAL's re-drive transaction. */
  row(seq: number): DeadLetterRow | undefined {
    return this.getStmt.get(seq) as DeadLetterRow | undefined;
  }

  /** For the WAL's re-drive transaction: runs inside it. */
  markRedriven(seq: number, redrivenSeq: number): void {
    this.markStmt.run(redrivenSeq, this.deps.now(), seq);
  }
}

function summary(r: DeadLetterRow): DeadLetterSummary {
  return {
    seq: r.seq,
    eventId: r.event_id,
    aggregateId: r.aggregate_id,
    topic: r.topic,
    receivedAt: new Date(r.received_at).toISOString(),
    failedAt: new Date(r.failed_at).toISOString(),
    error: { code: r.error_code, message: r.error_message },
    bodyBytes: Buffer.byteLength(r.body),
    ...(r.redriven_seq !== null ? { redrivenSeq: r.redriven_seq, redrivenAt: new Date(r.redriven_at!).toISOString() } : {}),
  };
}
