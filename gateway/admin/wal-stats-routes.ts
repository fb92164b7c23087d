import { statSync } from 'node:fs';
import type { DeliveryLedger } from '../wal/delivery-ledger.js';
import type { Wal } from '../wal/wal.js';
import { sendJson } from '../sources/http/respond.js';
import type { Route } from '../sources/http/router.js';

/** What `edge-gateway wal stats` shows. Sizes in bytes, times ISO 8601 UTC, ages in ms. */
export interface WalStats {
  path: string;
  /** Rows stored (undelivered, delivered within retention, replays). */
  rows: number;
  /** Lowest and highest seq stored (null when empty), and the highest ever assigned. */
  minSeq: number | null;
  lastSeq: number;
  /** The WAL's size as the budget counts it: pages in use plus the -wal file. */
  usedBytes: number;
  /** On-disk file sizes (0 when a file does not exist). */
  files: { db: number; wal: number; shm: number };
  backlog: { events: number; deliveredCursor: number; oldestUndeliveredAt: string | null; oldestUndeliveredAgeMs: number | null };
  deadLetters: { open: number };
}

/** Pure shell around the WAL's figures: one count (O(rows)), a few index reads and three stats. */
export function walStats(wal: Pick<Wal, 'config' | 'rowCount' | 'minSeq' | 'lastSeq' | 'usedBytes' | 'receivedAt' | 'deadLetters'>, ledger: Pick<DeliveryLedger, 'cursor' | 'pendingEvents'>): WalStats {
  const path = wal.config.path;
  const oldest = ledger.pendingEvents > 0 ? wal.receivedAt(ledger.cursor + 1) : undefined;
  return {
    path,
    rows: wal.rowCount(),
    minSeq: wal.minSeq(),
    lastSeq: wal.lastSeq,
    usedBytes: wal.usedBytes(),
    files: { db: fileBytes(path), wal: fileBytes(`${path}-wal`), shm: fileBytes(`${path}-shm`) },
    backlog: {
      events: ledger.pendingEvents,
      deliveredCursor: ledger.cursor,
      oldestUndeliveredAt: oldest === undefined ? null : new Date(oldest).toISOString(),
      oldestUndeliveredAgeMs: oldest === undefined ? null : Math.max(0, Date.now() - oldest),
    },
    deadLetters: { open: wal.deadLetters.openCount },
  };
}

/** `GET /admin/wal`: the WAL's rows, bytes, backlog and files. */
export function walStatsRoutes(stats: () => WalStats): Route[] {
  return [{ method: 'GET', path: '/admin/wal', handle: (_req, res) => sendJson(res, 200, stats()) }];
}

function fileBytes(path: string): number {
  if (path === ':memory:') return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
