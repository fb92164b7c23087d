import type { Database } from 'better-sqlite3';

/**
 * Numbered schema migrations, applied in order; `PRAGMA user_version` records the last one applied.
 * Never edit a migration that has shipped: add a new one.
 */
const MIGRATIONS: ReadonlyArray<string | ((db: Database) => void)> = [
  // 1: the append-only log, the delivered cursor and the out-of-order completions above it.
  `CREATE TABLE events (
     seq         INTEGER PRIMARY KEY,
     event_id    TEXT    NOT NULL UNIQUE,
     aggregate_id TEXT   NOT NULL,
     topic       TEXT    NOT NULL,
     received_at INTEGER NOT NULL,
     body        TEXT    NOT NULL
   );
   CREATE TABLE delivery_cursor (
     id  INTEGER PRIMARY KEY CHECK (id = 1),
     seq INTEGER NOT NULL
   );
   INSERT INTO delivery_cursor (id, seq) VALUES (1, 0);
   CREATE TABLE delivered_ahead (seq INTEGER PRIMARY KEY);`,
  // 2: events Kafka refused permanently, with the broker's error; the event is kept whole here
  // because its row in `events` is finished (and later pruned) like a delivered one.
  `CREATE TABLE dead_letters (
     seq           INTEGER PRIMARY KEY,
     event_id      TEXT    NOT NULL,
     aggregate_id  TEXT    NOT NULL,
     topic         TEXT    NOT NULL,
     received_at   INTEGER NOT NULL,
     body          TEXT    NOT NULL,
     error_code    TEXT    NOT NULL,
     error_message TEXT    NOT NULL,
     failed_at     INTEGER NOT NULL,
     redriven_seq  INTEGER,
     redriven_at   INTEGER
   );`,
  // 3: the ahead set is saved as one packed value beside the cursor: rewriting thousands of rows
  // every delivery commit cost more than the forwarding itself. Rows left in delivered_ahead by
  // an older version are moved into it by the next save.
  `ALTER TABLE delivery_cursor ADD COLUMN ahead BLOB;`,
  // 4: replayed events are new rows that copy a delivered one (`replay_of` = its seq, `replay_id`
  // names the replay), so event_id is unique among original rows only (a partial index). SQLite
  // cannot drop the old UNIQUE constraint in place: the table is rebuilt once (time and disk in
  // proportion to the rows the WAL holds at the upgrade).
  `CREATE TABLE events_v4 (
     seq          INTEGER PRIMARY KEY,
     event_id     TEXT    NOT NULL,
     aggregate_id TEXT    NOT NULL,
     topic        TEXT    NOT NULL,
     received_at  INTEGER NOT NULL,
     body         TEXT    NOT NULL,
     replay_of    INTEGER,
     replay_id    TEXT
   );
   INSERT INTO events_v4 (seq, event_id, aggregate_id, topic, received_at, body)
     SELECT seq, event_id, aggregate_id, topic, received_at, body FROM events;
   DROP TABLE events;
   ALTER TABLE events_v4 RENAME TO events;
   CREATE UNIQUE INDEX events_event_id ON events (event_id) WHERE replay_of IS NULL;`,
  // 5: the lifecycle read model, one row per UTI, written in the same transaction as the events
  // that change it; `read_models` says which version of each model the rows follow (none: the
  // model is rebuilt from the log at start-up, also for a WAL written before this migration).
  `CREATE TABLE uti_lifecycle (
     uti         TEXT    PRIMARY KEY,
     status      TEXT    NOT NULL,
     executed_at TEXT    NOT NULL,
     last_action TEXT    NOT NULL,
     last_seq    INTEGER NOT NULL,
     events      INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE read_models (
     name    TEXT    PRIMARY KEY,
     version INTEGER NOT NULL
   );`,
  // 6: pages freed by pruning go back to the file system (PRAGMA incremental_vacuum, run by
  // retention). auto_vacuum can only be switched on before the first table exists (the WAL sets it
  // first on a new file) or by rebuilding the file: a VACUUM, once, for a file made before this
  // (it takes as long as copying the file). Outside a transaction: VACUUM cannot run inside one.
  (db) => {
    if (db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) return;
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  },
  // 7 (issue 14): the authenticated sender of each event (auth.senders; NULL without auth), kept
  // with a dead letter too so a re-driven event still names it. Adding a nullable column rewrites
  // no rows.
  `ALTER TABLE events ADD COLUMN sender TEXT;
   ALTER TABLE dead_letters ADD COLUMN sender TEXT;`,
];

/** `PRAGMA auto_vacuum` value of INCREMENTAL. */
export const AUTO_VACUUM_INCREMENTAL = 2;

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to `target` (default: the current version). Throws when the file was written
 * by a newer gateway. A lower `target` is for tests that build a file as an older version left it.
 */
export function migrate(db: Database, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `WAL schema version ${current} is newer than this gateway understands (${SCHEMA_VERSION}); upgrade the gateway`,
    );
  }
  for (let v = current; v < target; v++) {
    const m = MIGRATIONS[v]!;
    if (typeof m === 'function') {
      m(db);
      db.pragma(`user_version = ${v + 1}`);
      continue;
    }
    db.transaction(() => {
      db.exec(m);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
