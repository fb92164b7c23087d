import type { FieldError } from '../errors.js';
import type { GroupCommit } from '../wal/group-commit.js';
import type { WalBudget } from '../wal/wal-budget.js';
import type { WalRecord } from '../wal/stored-event.js';
import { countByClass, type Bulkheads } from './bulkheads.js';
import { canonicalJson, validateEnvelope } from './envelope.js';
import { routeTopic, type RoutingConfig } from './routing.js';

/** Events validated in one go before a large request yields the event loop. */
const VALIDATE_SLICE = 250;

export type Outcome =
  | { status: 'accepted'; eventId: string; seq: number }
  | { status: 'duplicate'; eventId: string; seq: number }
  | { status: 'rejected'; eventId?: string; errors: FieldError[] };

/**
 * The source-independent path of an event: admit, validate, route, commit to the WAL. Resolves with
 * one outcome per input, in input order, only after the accepted ones are durable.
 */
export class Ingest {
  constructor(
    private readonly config: RoutingConfig,
    private readonly deps: { commit: GroupCommit; budget?: Pick<WalBudget, 'admit' | 'commitFailed' | 'commitSucceeded'>; bulkheads?: Bulkheads },
  ) {}

  async submit(inputs: readonly unknown[]): Promise<Outcome[]> {
    // Backpressure first, once per request: while intake is paused a request costs no validation
    // and changes nothing; a request admitted is taken whole.
    this.deps.budget?.admit();
    const { bulkheads } = this.deps;
    const ticket = bulkheads?.enter(countByClass(inputs, (type) => routeTopic(type, this.config), bulkheads.config));
    try {
      return await this.validateAndCommit(inputs);
    } finally {
      ticket?.leave();
    }
  }

  private async validateAndCommit(inputs: readonly unknown[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(inputs.length);
    const records: WalRecord[] = [];
    const at: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
      // A large request yields the event loop between slices, so small urgent requests are not held
      // behind its whole validation (2,000 events hold it ~50 ms; see bulkheads).
      if (i > 0 && i % VALIDATE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const v = validateEnvelope(inputs[i]);
      if (!v.ok) {
        const id = (inputs[i] as { eventId?: unknown } | null)?.eventId;
        outcomes[i] = { status: 'rejected', ...(typeof id === 'string' ? { eventId: id } : {}), errors: v.errors };
        continue;
      }
      const e = v.event;
      records.push({ eventId: e.eventId, aggregateId: e.aggregateId, topic: routeTopic(e.type, this.config), body: canonicalJson(e) });
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
        outcomes[at[j]!] = { status: s.duplicate ? 'duplicate' : 'accepted', eventId: records[j]!.eventId, seq: s.seq };
      }
    }
    return outcomes;
  }
}
