import BetterSqlite3 from 'better-sqlite3';
import { unpackAhead } from '../../gateway/wal/ahead-packing.js';

/** What a WAL file on disk records, read with a separate SQLite connection (as an admin would). */
export function readWalFile(path: string): { cursor: number; ahead: number[]; seqs: Map<string, number> } {
  const db = new BetterSqlite3(path, { fileMustExist: true });
  try {
    const row = db.prepare('SELECT seq, ahead FROM delivery_cursor WHERE id = 1').get() as { seq: number; ahead: Buffer | null };
    const cursor = row.seq;
    const ahead = unpackAhead(cursor, row.ahead);
    const seqs = new Map<string, number>();
    for (const r of db.prepare('SELECT event_id, seq FROM events').raw().iterate() as Iterable<[string, number]>) seqs.set(r[0], r[1]);
    return { cursor, ahead, seqs };
  } finally {
    db.close();
  }
}

export function persistedCursor(path: string): number {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT seq FROM delivery_cursor WHERE id = 1').pluck().get() as number;
  } finally {
    db.close();
  }
}
