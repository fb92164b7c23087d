import { sourceNotAllowed, type Sender } from '../auth/sender-registry.js';
import type { FieldError } from '../errors.js';
import type { GroupCommit } from '../wal/group-commit.js';
import type { WalBudget } from '../wal/wal-budget.js';
import type { AppendOutcome, WalRecord } from '../wal/stored-event.js';
import type { IntakeGate } from './intake-gate.js';
import { countByClass, type Bulkheads } from './bulkheads.js';
import { enrich, randomTraceIds, type TraceIds } from './enrich.js';
import { canonicalJson } from './envelope.js';
import { recordTooLarge } from './record-size.js';
import type { Router } from './routing.js';
import { validateEvent, type CatalogueConfig } from './validate-event.js';

/** One event as a source decoded it. */
/** How a source submits: see `Ingest.submit`. */
export interface SubmitOptions {
  alongside?: (outcomes: Outcome[]) => void;
  sender?: Sender;
}

export interface Submission {
  /** The decoded JSON value (validated here). */
  value: unknown;
  /**
   * The exact JSON text of `value.payload` as sent: stored instead of re-serialising the decoded
   * payload, so every member and number reaches Kafka as the sender wrote it (I-JSON, RFC 7493).
   */
  payloadJson?: string;
  /** Problems the source's decoder found (duplicate names, ...): the event is rejected with them. */
  errors?: readonly FieldError[];
}

/** Events validated in one go before a large request yields the event loop. */
const VALIDATE_SLICE = 250;

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
      /** The producer's `message.max.bytes`: an event whose record can never fit is refused here (`event_too_large`). */
      maxRecordBytes?: number;
      gate?: Pick<IntakeGate, 'admit'>;
      bulkheads?: Bulkheads;
    },
  ) {}

  /**
   * `options.alongside` runs inside the WAL transaction that stores the accepted events, with every
   * input's outcome (also when none is accepted: then the transaction holds only its writes). A
   * source that must record its own state with the events (a FIX session's sequence numbers and
   * acknowledgements) does it there. `options.sender`: the authenticated sender (auth.senders), whose
   * events may only use its `source` values and carry its name.
   */
  async submit(inputs: readonly Submission[], options: SubmitOptions = {}): Promise<Outcome[]> {
    // Backpressure first, once per request: while intake is paused a request costs no validation
    // and changes nothing; a request admitted is taken whole.
    this.deps.gate?.admit();
    this.deps.budget?.admit();
    const { bulkheads } = this.deps;
    const ticket = bulkheads?.enter(countByClass(inputs, (e) => this.deps.router.route(e), bulkheads.config));
    try {
      return await this.validateAndCommit(inputs, options);
    } finally {
      ticket?.leave();
    }
  }

  private async validateAndCommit(inputs: readonly Submission[], { alongside, sender }: SubmitOptions): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(inputs.length);
    const records: WalRecord[] = [];
    const at: number[] = [];
    const now = this.deps.now ? this.deps.now() : Date.now();
    for (let i = 0; i < inputs.length; i++) {
      // A large request yields the event loop between slices, so small urgent requests are not held
      // behind its whole validation (2,000 events hold it ~50 ms; see bulkheads).
      if (i > 0 && i % VALIDATE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const input = inputs[i]!;
      const c = input.errors?.length ? { ok: false as const, errors: [...input.errors] } : validateEvent(input.value, this.config.catalogue, now);
      if (!c.ok) {
        // A duplicated eventId has no one value to name the event by.
        const id = c.errors.some((e) => e.path === '$.eventId' && e.code === 'duplicate_name') ? undefined : (input.value as { eventId?: unknown } | null)?.eventId;
        outcomes[i] = { status: 'rejected', ...(typeof id === 'string' ? { eventId: id } : {}), errors: c.errors };
        continue;
      }
      const e = enrich(c.event, this.deps.traceIds ?? randomTraceIds);
      const notAllowed = sender && sourceNotAllowed(sender, e.source);
      if (notAllowed) {
        outcomes[i] = { status: 'rejected', eventId: e.eventId, errors: [notAllowed] };
        continue;
      }
      const { topic } = this.deps.router.route(e);
      // The payload's text as sent, unless an upcaster made a new payload of it (then it is re-serialised).
      const sentVersion = (input.value as { version?: unknown }).version;
      const record: WalRecord = {
        eventId: e.eventId,
        aggregateId: e.aggregateId,
        topic,
        body: canonicalJson(e, e.version === sentVersion ? input.payloadJson : undefined),
        ...(c.fact ? { lifecycle: c.fact } : {}),
        ...(sender ? { sender: sender.name } : {}),
      };
      const tooLarge = this.deps.maxRecordBytes === undefined ? undefined : recordTooLarge(e, record.body, this.deps.maxRecordBytes);
      if (tooLarge) {
        outcomes[i] = { status: 'rejected', eventId: e.eventId, errors: [tooLarge] };
        continue;
      }
      records.push(record);
      at.push(i);
    }
    if (records.length > 0 || alongside) {
      const fill = (stored: readonly AppendOutcome[]) => {
        for (let j = 0; j < stored.length; j++) {
          const s = stored[j]!;
          const eventId = records[j]!.eventId;
          outcomes[at[j]!] = s.rejected ? { status: 'rejected', eventId, errors: s.rejected } : { status: s.duplicate ? 'duplicate' : 'accepted', eventId, seq: s.seq };
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
