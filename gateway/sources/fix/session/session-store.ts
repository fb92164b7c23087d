import type { Database, Statement } from 'better-sqlite3';
import type { Outbound, SeqNums, StoredOutbound } from './session-types.js';

/**
 * FIX sessions' persisted state in the WAL's SQLite file (tables of its own): the next sequence
 * numbers and every outbound message by seq, for answering ResendRequests after a restart. Its
 * writes run inside the caller's transaction (the WAL commit of the events a batch produced), or
 * in one of their own (`recordAlone`) when no event is involved.
 */
export class SessionStore {
  private readonly stmt: Record<'load' | 'insertSeqs' | 'sender' | 'target' | 'putOutbound' | 'outbound' | 'clear' | 'prune', Statement>;

  constructor(
    private readonly db: Database,
    private readonly options: { keepOutboundMessages: number },
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS fix_sessions (
        session_key     TEXT PRIMARY KEY,
        next_sender_seq INTEGER NOT NULL,
        next_target_seq INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS fix_outbound (
        session_key TEXT    NOT NULL,
        seq         INTEGER NOT NULL,
        msg_type    TEXT    NOT NULL,
        bytes       BLOB    NOT NULL,
        PRIMARY KEY (session_key, seq)
      ) WITHOUT ROWID;`);
    this.stmt = {
      load: db.prepare('SELECT next_sender_seq AS nextSenderSeq, next_target_seq AS nextTargetSeq FROM fix_sessions WHERE session_key = ?'),
      insertSeqs: db.prepare('INSERT OR IGNORE INTO fix_sessions (session_key, next_sender_seq, next_target_seq) VALUES (?, 1, 1)'),
      sender: db.prepare('UPDATE fix_sessions SET next_sender_seq = ? WHERE session_key = ?'),
      target: db.prepare('UPDATE fix_sessions SET next_target_seq = ? WHERE session_key = ?'),
      putOutbound: db.prepare('INSERT OR REPLACE INTO fix_outbound (session_key, seq, msg_type, bytes) VALUES (?, ?, ?, ?)'),
      outbound: db.prepare('SELECT seq, msg_type AS msgType, bytes FROM fix_outbound WHERE session_key = ? AND seq BETWEEN ? AND ? ORDER BY seq'),
      clear: db.prepare('DELETE FROM fix_outbound WHERE session_key = ?'),
      prune: db.prepare('DELETE FROM fix_outbound WHERE session_key = ? AND seq < ?'),
    };
  }

  /** The persisted sequence numbers of `key` (1 and 1 for a new session). */
  load(key: string): SeqNums {
    this.stmt.insertSeqs.run(key);
    return this.stmt.load.get(key) as SeqNums;
  }

  /** The persisted sequence numbers of `key`, read only (1 and 1 while it has no row): for health. */
  peek(key: string): SeqNums {
    return (this.stmt.load.get(key) as SeqNums | undefined) ?? { nextSenderSeq: 1, nextTargetSeq: 1 };
  }

  /** Stored outbound messages of `key` with seq in `from..to`, in seq order. */
  outbound(key: string, from: number, to: number): StoredOutbound[] {
    return this.stmt.outbound.all(key, from, to) as StoredOutbound[];
  }

  /**
   * Records, in the caller's transaction: a reset (sequence numbers back to 1, stored messages void),
   * the messages about to be sent, our next seq, and, when given, the next seq expected from the
   * counterparty. Throws what SQLite throws; the caller's transaction then rolls back.
   */
  record(key: string, r: { reset?: boolean; sent: readonly Outbound[]; nextSenderSeq: number; nextTargetSeq?: number }): void {
    if (r.reset) this.stmt.clear.run(key);
    for (const m of r.sent) this.stmt.putOutbound.run(key, m.seq, m.msgType, m.bytes);
    this.stmt.sender.run(r.nextSenderSeq, key);
    if (r.nextTargetSeq !== undefined) this.stmt.target.run(r.nextTargetSeq, key);
  }

  /** `record` in a transaction of its own (nothing else to commit with it). */
  recordAlone(key: string, r: Parameters<SessionStore['record']>[1]): void {
    this.db.transaction(() => this.record(key, r))();
  }

  /** Forgets stored messages more than `keepOutboundMessages` behind `nextSenderSeq` (a resend of those is gap-filled). */
  prune(key: string, nextSenderSeq: number): void {
    this.stmt.prune.run(key, nextSenderSeq - this.options.keepOutboundMessages);
  }
}
