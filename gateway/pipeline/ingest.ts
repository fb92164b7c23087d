import type { FieldError } from '../errors.js';
import type { GroupCommit } from '../wal/group-commit.js';
import type { WalBudget } from '../wal/wal-budget.js';
import type { WalRecord } from '../wal/stored-event.js';
import { canonicalJson, validateEnvelope } from './envelope.js';
import { routeTopic, type RoutingConfig } from './routing.js';

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
    private readonly deps: { commit: GroupCommit; budget?: Pick<WalBudget, 'admit' | 'commitFailed' | 'commitSucceeded'> },
  ) {}

  /**
   * `options.alongside` runs inside the WAL transaction that stores the accepted events, with every
   * input's outcome (also when none is accepted: then the transaction holds only its writes). A
   * source that must record its own state with the events (a FIX session's sequence numbers and
   * acknowledgements) does it there.
   */
  async submit(inputs: readonly unknown[], options: { alongside?: (outcomes: Outcome[]) => void } = {}): Promise<Outcome[]> {
    // Backpressure first, once per request: while intake is paused a request costs no validation
    // and changes nothing; a request admitted is taken whole.
    this.deps.budget?.admit();
    const outcomes: Outcome[] = new Array(inputs.length);
    const records: WalRecord[] = [];
    const at: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
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
    const alongside = options.alongside;
    if (records.length > 0 || alongside) {
      const fill = (stored: readonly { seq: number; duplicate: boolean }[]) => {
        for (let j = 0; j < stored.length; j++) {
          const s = stored[j]!;
          outcomes[at[j]!] = { status: s.duplicate ? 'duplicate' : 'accepted', eventId: records[j]!.eventId, seq: s.seq };
        }
      };
      let stored;
      try {
        stored = await this.deps.commit.append(records, alongside && ((s) => (fill(s), alongside(outcomes))));
      } catch (err) {
        throw this.deps.budget ? this.deps.budget.commitFailed(err) : err;
      }
      this.deps.budget?.commitSucceeded();
      fill(stored);
    }
    return outcomes;
  }
}
