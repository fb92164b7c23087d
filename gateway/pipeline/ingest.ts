import type { FieldError } from '../errors.js';
import type { GroupCommit } from '../wal/group-commit.js';
import type { WalBudget } from '../wal/wal-budget.js';
import type { WalRecord } from '../wal/stored-event.js';
import { enrich, randomTraceIds, type TraceIds } from './enrich.js';
import { canonicalJson } from './envelope.js';
import type { Router } from './routing.js';
import { validateEvent, type CatalogueConfig } from './validate-event.js';

export type Outcome =
  | { status: 'accepted'; eventId: string; seq: number }
  | { status: 'duplicate'; eventId: string; seq: number }
  | { status: 'rejected'; eventId?: string; errors: FieldError[] };

/**
 * The source-independent path of an event: admit, validate (envelope, then the catalogue: payload,
 * version, cross-field rules), upcast, enrich, route, commit to the WAL, where the lifecycle read
 * model judges it in seq order. Resolves with one outcome per input, in input order, only after the
 * accepted ones are durable. HTTP and FIX call `submit` alike.
 */
export class Ingest {
  constructor(
    private readonly config: { catalogue: CatalogueConfig },
    private readonly deps: {
      commit: GroupCommit;
      router: Pick<Router, 'route'>;
      budget?: Pick<WalBudget, 'admit' | 'commitFailed' | 'commitSucceeded'>;
      now?: () => number;
      traceIds?: TraceIds;
    },
  ) {}

  async submit(inputs: readonly unknown[]): Promise<Outcome[]> {
    // Backpressure first, once per request: while intake is paused a request costs no validation
    // and changes nothing; a request admitted is taken whole.
    this.deps.budget?.admit();
    const outcomes: Outcome[] = new Array(inputs.length);
    const records: WalRecord[] = [];
    const at: number[] = [];
    const now = this.deps.now ? this.deps.now() : Date.now();
    for (let i = 0; i < inputs.length; i++) {
      const c = validateEvent(inputs[i], this.config.catalogue, now);
      if (!c.ok) {
        const id = (inputs[i] as { eventId?: unknown } | null)?.eventId;
        outcomes[i] = { status: 'rejected', ...(typeof id === 'string' ? { eventId: id } : {}), errors: c.errors };
        continue;
      }
      const e = enrich(c.event, this.deps.traceIds ?? randomTraceIds);
      const { topic } = this.deps.router.route(e);
      records.push({ eventId: e.eventId, aggregateId: e.aggregateId, topic, body: canonicalJson(e), ...(c.fact ? { lifecycle: c.fact } : {}) });
      at.push(i);
    }
    if (records.length > 0) {
      let stored;
      try {
        stored = await this.deps.commit.append(records);
      } catch (err) {
        throw this.deps.budget ? this.deps.budget.commitFailed(err) : err;
      }
      this.deps.budget?.commitSucceeded();
      for (let j = 0; j < stored.length; j++) {
        const s = stored[j]!;
        const eventId = records[j]!.eventId;
        outcomes[at[j]!] = s.rejected ? { status: 'rejected', eventId, errors: s.rejected } : { status: s.duplicate ? 'duplicate' : 'accepted', eventId, seq: s.seq };
      }
    }
    return outcomes;
  }
}
