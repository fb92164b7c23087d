import type { Database } from 'better-sqlite3';

/**
 * Numbered schema migrations, applied in order; `PRAGMA user_version` records the last one applied.
 * Never edit a migration that has shipped: add a new one.
 */
const MIGRATIONS: readonly string[] = [
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
  // 5 (issue 14): the authenticated sender of each event (auth.senders; NULL without auth), kept
  // with a dead letter too so a re-driven event still names it. Adding a nullable column rewrites
  // no rows.
  `ALTER TABLE events ADD COLUMN sender TEXT;
   ALTER TABLE dead_letters ADD COLUMN sender TEXT;`,
];

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
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
