import type { Statement } from 'better-sqlite3';
import { GatewayError } from '../errors.js';
import type { StoredEvent, Wal } from './wal.js';

export interface DeadLetterSummary {
  seq: number;
  eventId: string;
  aggregateId: string;
  topic: string;
  receivedAt: string;
  failedAt: string;
  error: { code: string; message: string };
  bodyBytes: number;
  redrivenSeq?: number;
  redrivenAt?: string;
}

export interface DeadLetter extends DeadLetterSummary {
  /** The event as stored (canonical JSON). */
  event: unknown;
}

interface Row {
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
}

/**
 * Events Kafka refused permanently, kept whole in the WAL's SQLite file with the broker's error.
 * Writing a dead letter and finishing its WAL row are separate steps: a crash between them sends
 * the event again, and it is refused again and recorded once (`seq` is the key).
 */
export class DeadLetterStore {
  private readonly insert: Statement;
  private readonly listStmt: Statement;
  private readonly getStmt: Statement;
  private readonly countStmt: Statement;
  private readonly markRedriven: Statement;

  constructor(
    private readonly wal: Wal,
    private readonly deps: { now?: () => number } = {},
  ) {
    const db = wal.database;
    this.insert = db.prepare(
      `INSERT INTO dead_letters (seq, event_id, aggregate_id, topic, received_at, body, error_code, error_message, failed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING`,
    );
    this.listStmt = db.prepare('SELECT * FROM dead_letters WHERE seq > ? ORDER BY seq LIMIT ?');
    this.getStmt = db.prepare('SELECT * FROM dead_letters WHERE seq = ?');
    this.countStmt = db.prepare('SELECT count(*) FROM dead_letters WHERE redriven_seq IS NULL').pluck();
    this.markRedriven = db.prepare('UPDATE dead_letters SET redriven_seq = ?, redriven_at = ? WHERE seq = ?');
  }

  add(event: StoredEvent, error: { code: string; message: string }): void {
    this.insert.run(event.seq, event.eventId, event.aggregateId, event.topic, event.receivedAt, event.body, error.code, error.message, this.now());
  }

  /** Dead letters after `afterSeq`, oldest first, without their bodies. */
  list(afterSeq: number, limit: number): DeadLetterSummary[] {
    return (this.listStmt.all(afterSeq, limit) as Row[]).map(summary);
  }

  get(seq: number): DeadLetter | undefined {
    const row = this.getStmt.get(seq) as Row | undefined;
    return row && { ...summary(row), event: JSON.parse(row.body) };
  }

  /** Dead letters not re-driven yet. */
  get openCount(): number {
    return this.countStmt.get() as number;
  }

  /**
   * Puts a dead letter back into the WAL as a new event (a new seq, at the end of the log, so after
   * anything of its key accepted meanwhile) and marks it re-driven, in one transaction.
   */
  redrive(seq: number): { seq: number; redrivenSeq: number } {
    const row = this.getStmt.get(seq) as Row | undefined;
    if (!row) throw new GatewayError('dead_letter_not_found', `no dead letter with seq ${seq}`, 404);
    if (row.redriven_seq !== null) {
      throw new GatewayError('already_redriven', `dead letter ${seq} was re-driven as seq ${row.redriven_seq}`, 409);
    }
    return this.wal.database.transaction(() => {
      const redrivenSeq = this.wal.replaceEvent(seq, {
        eventId: row.event_id,
        aggregateId: row.aggregate_id,
        topic: row.topic,
        body: row.body,
      });
      this.markRedriven.run(redrivenSeq, this.now(), seq);
      return { seq, redrivenSeq };
    })();
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}

function summary(r: Row): DeadLetterSummary {
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
