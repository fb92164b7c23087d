import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { benchEvent, benchKey } from '../bench-events.js';

/**
 * L1: what SQLite on this disk does with nothing around it: the gateway's row (same columns,
 * same unique eventId index, same body bytes), the same journal and `synchronous` mode, in large
 * transactions. The gateway's group commit cannot beat this; S1 is measured against it.
 */
export function sqliteInserts(options: { dir: string; rows: number; synchronous: 'full' | 'normal'; rowsPerTransaction: number }): {
  eventsPerSec: number;
  rowBytes: number;
} {
  const dir = mkdtempSync(join(options.dir, 'bench-l1-'));
  const db = new BetterSqlite3(join(dir, 'l1.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous.toUpperCase()}`);
    db.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, aggregate_id TEXT NOT NULL,
      topic TEXT NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL)`);
    const insert = db.prepare(
      'INSERT INTO events (seq, event_id, aggregate_id, topic, received_at, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
    );
    const at = new Date().toISOString();
    const bodies = Array.from({ length: Math.min(options.rows, 10_000) }, (_, i) => benchEvent('l1', i, at));
    const batch = db.transaction((from: number, to: number, now: number) => {
      for (let i = from; i < to; i++) insert.run(i + 1, `l1-${i}`, benchKey(i), 'bench', now, bodies[i % bodies.length]!);
    });
    const t0 = performance.now();
    for (let from = 0; from < options.rows; from += options.rowsPerTransaction) {
      batch(from, Math.min(options.rows, from + options.rowsPerTransaction), Date.now());
    }
    const seconds = (performance.now() - t0) / 1000;
    return { eventsPerSec: Math.round(options.rows / seconds), rowBytes: Buffer.byteLength(bodies[0]!) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
