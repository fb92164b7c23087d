import type { Sender } from '../auth/sender-registry.js';
import type { FieldError } from '../errors.js';
import type { GroupCommit } from '../wal/group-commit.js';
import type { WalBudget } from '../wal/wal-budget.js';
import type { AppendOutcome } from '../wal/stored-event.js';
import type { IntakeGate } from './intake-gate.js';
import { countByClass, type Bulkheads } from './bulkheads.js';
import { randomTraceIds, type TraceIds } from './enrich.js';
import { emptyPrepared, prepareEventsYielding, type PreparedEvents, type Submission } from './prepare-events.js';
import type { PriorityClass } from './route-rule.js';
import type { Router } from './routing.js';
import type { CatalogueConfig } from './validate-event.js';

export type { Submission } from './prepare-events.js';

/** How a source submits: see `Ingest.submit`. */
export interface SubmitOptions {
  alongside?: (outcomes: Outcome[]) => void;
  sender?: Sender;
  /** `performance.now()` (ms) when the request's events reached the gateway: the ack latency counts from it (default: the call). */
  receivedAt?: number;
}

/** A request's events validated elsewhere (an intake worker thread), with their count per priority class. */
export interface PreparedRequest extends PreparedEvents {
  classes: Record<PriorityClass, number>;
}

export type Outcome =
  | { status: 'accepted'; eventId: string; seq: number }
  | { status: 'duplicate'; eventId: string; seq: number }
  | { status: 'rejected'; eventId?: string; errors: FieldError[] };

/**
 * The source-independent path of an event: admit, validate (envelope, then the catalogue: payload,
 * version, cross-field rules), upcast, enrich, route, commit to the WAL, where the lifecycle read
 * model judges it in seq order. Resolves with one outcome per input, in input order, only after the
 * accepted ones are durable. FIX calls `submit` (validated here, on the event loop); HTTP validates
 * on its worker threads and calls `commitPrepared`.
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
   * Backpressure, once per request: throws GatewayError `intake_paused`, `wal_budget_exceeded`,
   * `disk_space_low` while intake is paused or the WAL is over budget; a request admitted is taken whole.
   */
  private admit(): void {
    this.deps.gate?.admit();
    this.deps.budget?.admit();
  }

  /**
   * `options.alongside` runs inside the WAL transaction that stores the accepted events, with every
   * input's outcome (also when none is accepted: then the transaction holds only its writes). A
   * source that must record its own state with the events (a FIX session's sequence numbers and
   * acknowledgements) does it there. `options.sender`: the authenticated sender (auth.senders), whose
   * events may only use its `source` values and carry its name.
   */
  async submit(inputs: readonly Submission[], options: SubmitOptions = {}): Promise<Outcome[]> {
    // FIX: admission before validation, so while intake is paused a request costs no validation and changes nothing.
    this.admit();
    const { bulkheads } = this.deps;
    const classes = bulkheads && countByClass(inputs, (e) => this.deps.router.route(e), bulkheads.config);
    const ticket = classes && bulkheads.enter(classes);
    try {
      return await this.commit(await this.validate(inputs, options.sender), options, (classes?.critical ?? 0) > 0);
    } finally {
      ticket?.leave();
    }
  }

  /**
   * Commits a request validated on an intake thread: admits it (see `admit`), takes its events
   * into their bulkhead classes (throws `class_queue_full`), and resolves as `submit` does.
   */
  async commitPrepared(prepared: PreparedRequest, options: SubmitOptions = {}): Promise<Outcome[]> {
    this.admit();
    const ticket = this.deps.bulkheads?.enter(prepared.classes);
    try {
      return await this.commit(prepared, options, prepared.classes.critical > 0);
    } finally {
      ticket?.leave();
    }
  }

  private validate(inputs: readonly Submission[], sender: Sender | undefined): Promise<PreparedEvents> {
    const { router, maxRecordBytes } = this.deps;
    const now = this.deps.now ? this.deps.now() : Date.now();
    const ctx = { catalogue: this.config.catalogue, router, now, traceIds: this.deps.traceIds ?? randomTraceIds, maxRecordBytes, sender };
    return prepareEventsYielding(inputs, ctx, emptyPrepared(inputs.length));
  }

  /** `urgent`: the request holds critical events (see `GroupCommit.append`). */
  private async commit(prepared: PreparedEvents, { alongside }: SubmitOptions, urgent: boolean): Promise<Outcome[]> {
    const { records, at } = prepared;
    const outcomes: Outcome[] = prepared.rejected.slice() as Outcome[];
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
        stored = await this.deps.commit.append(records, alongside && ((s) => (fill(s), alongside(outcomes))), urgent);
      } catch (err) {
        throw this.deps.budget ? this.deps.budget.commitFailed(err) : err;
      }
      this.deps.budget?.commitSucceeded();
      fill(stored);
    }
    return outcomes;
  }
}
