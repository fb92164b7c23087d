import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

/**
 * The WAL's size, in bytes, as every figure of the gateway means it: the database's pages in use
 * (pages freed by pruning are reused, so the file's size alone never comes down) plus the -wal
 * file. Two header reads and a stat.
 */
export function usedBytes(db: Database, path: string): number {
  const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
  const used = pages * (db.pragma('page_size', { simple: true }) as number);
  if (path === ':memory:') return used;
  try {
    return used + statSync(`${path}-wal`).size;
  } catch {
    return used; // no -wal file
  }
}

/** Returns up to `pages` free pages to the file system (auto_vacuum=INCREMENTAL, SQLite `incremental_vacuum`); how many stay free. */
export function incrementalVacuum(db: Database, pages: number): number {
  db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  return db.pragma('freelist_count', { simple: true }) as number;
}
