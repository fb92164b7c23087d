import type { Database, Statement } from 'better-sqlite3';
import { lifecycleFactOfBody } from '../catalogue/lifecycle-fact.js';
import { applyFact, lifecycleErrors, type LifecycleFact, type UtiState } from '../catalogue/lifecycle-rules.js';
import type { FieldError } from '../errors.js';

/**
 * The version of the rows' meaning. Raise it when applyFact or the table changes: the next start
 * sees an older version in `read_models` and rebuilds the model from the log.
 */
export const LIFECYCLE_MODEL_VERSION = 1;
const NAME = 'uti_lifecycle';

/**
 * The lifecycle read model (CQRS at the edge): each UTI's state, in the WAL's own file, judged and
 * updated inside the WAL's append transaction, so events are judged in WAL (seq) order, within one
 * request and across concurrent ones, and a rolled-back append leaves no trace here either. Owned by
 * the Wal; the rules are pure (catalogue/lifecycle-rules.ts).
 */
export class LifecycleStore {
  private readonly stmt: Record<'get' | 'put' | 'all' | 'clear' | 'version' | 'setVersion' | 'events', Statement>;

  constructor(private readonly db: Database) {
    this.stmt = {
      get: db.prepare(`SELECT uti, status, executed_at AS executedAt, last_action AS lastAction, last_seq AS lastSeq, events FROM ${NAME} WHERE uti = ?`),
      put: db.prepare(`INSERT OR REPLACE INTO ${NAME} (uti, status, executed_at, last_action, last_seq, events) VALUES (@uti, @status, @executedAt, @lastAction, @lastSeq, @events)`),
      all: db.prepare(`SELECT uti, status, executed_at AS executedAt, last_action AS lastAction, last_seq AS lastSeq, events FROM ${NAME} ORDER BY uti`),
      clear: db.prepare(`DELETE FROM ${NAME}`),
      version: db.prepare('SELECT version FROM read_models WHERE name = ?').pluck(),
      setVersion: db.prepare('INSERT OR REPLACE INTO read_models (name, version) VALUES (?, ?)'),
      // Replayed copies are the same events again: only originals (and re-driven rows) make the lifecycle.
      events: db.prepare('SELECT seq, body FROM events WHERE replay_of IS NULL ORDER BY seq'),
    };
    if (this.stmt.version.get(NAME) !== LIFECYCLE_MODEL_VERSION) this.rebuild();
  }

  /** The lifecycle errors of `fact` against its UTI's state now (inside the append transaction). */
  errors(fact: LifecycleFact): FieldError[] {
    return lifecycleErrors(this.state(fact.uti), fact);
  }

  /** Records an accepted event's fact at `seq`. Called inside the append transaction only. */
  apply(fact: LifecycleFact, seq: number): void {
    this.stmt.put.run(applyFact(this.state(fact.uti), fact, seq));
  }

  state(uti: string): UtiState | undefined {
    return this.stmt.get.get(uti) as UtiState | undefined;
  }

  /** Every UTI's state, ordered by UTI (for comparing a rebuild with the live model). */
  all(): UtiState[] {
    return this.stmt.all.all() as UtiState[];
  }

  /**
   * Replays the log in seq order into a fresh model, in one transaction. Only events the log still
   * holds count: once retention pruned a UTI's NEWT, the rebuilt state starts at its oldest retained
   * event (see README). Returns the number of UTIs.
   */
  rebuild(): number {
    const states = new Map<string, UtiState>();
    // Read first, write after: better-sqlite3 allows no writes while a statement iterates.
    for (const row of this.stmt.events.iterate() as IterableIterator<{ seq: number; body: string }>) {
      const fact = lifecycleFactOfBody(row.body);
      if (fact) states.set(fact.uti, applyFact(states.get(fact.uti), fact, row.seq));
    }
    this.db.transaction(() => {
      this.stmt.clear.run();
      for (const s of states.values()) this.stmt.put.run(s);
      this.stmt.setVersion.run(NAME, LIFECYCLE_MODEL_VERSION);
    })();
    return states.size;
  }
}
