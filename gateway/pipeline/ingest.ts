import { sourceNotAllowed, type Sender } from '../auth/sender-registry.js';
import type { FieldError } from '../errors.js';
import type { GroupCommit } from '../wal/group-commit.js';
import type { WalBudget } from '../wal/wal-budget.js';
import type { WalRecord } from '../wal/stored-event.js';
import type { IntakeGate } from './intake-gate.js';
import { countByClass, type Bulkheads } from './bulkheads.js';
import { canonicalJson, validateEnvelope } from './envelope.js';
import { recordTooLarge } from './record-size.js';
import { routeTopic, type RoutingConfig } from './routing.js';

/** One event as a source decoded it. */
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
 * The source-independent path of an event: admit, validate, route, commit to the WAL. Resolves with
 * one outcome per input, in input order, only after the accepted ones are durable.
 */
export class Ingest {
  constructor(
    private readonly config: RoutingConfig,
    private readonly deps: {
      commit: GroupCommit;
      budget?: Pick<WalBudget, 'admit' | 'commitFailed' | 'commitSucceeded'>;
      /** The producer's `message.max.bytes`: an event whose record can never fit is refused here (`event_too_large`). */
      maxRecordBytes?: number;
      gate?: Pick<IntakeGate, 'admit'>;
      bulkheads?: Bulkheads;
    },
  ) {}

  /** `sender`: the authenticated sender (auth.senders), whose events may only use its `source` values and carry its name. */
  async submit(inputs: readonly Submission[], options: { sender?: Sender } = {}): Promise<Outcome[]> {
    // Backpressure first, once per request: while intake is paused a request costs no validation
    // and changes nothing; a request admitted is taken whole.
    this.deps.gate?.admit();
    this.deps.budget?.admit();
    const { bulkheads } = this.deps;
    const ticket = bulkheads?.enter(countByClass(inputs, (type) => routeTopic(type, this.config), bulkheads.config));
    try {
      return await this.validateAndCommit(inputs, options.sender);
    } finally {
      ticket?.leave();
    }
  }

  private async validateAndCommit(inputs: readonly Submission[], sender: Sender | undefined): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(inputs.length);
    const records: WalRecord[] = [];
    const at: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
      // A large request yields the event loop between slices, so small urgent requests are not held
      // behind its whole validation (2,000 events hold it ~50 ms; see bulkheads).
      if (i > 0 && i % VALIDATE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const input = inputs[i]!;
      const v = input.errors?.length ? { ok: false as const, errors: [...input.errors] } : validateEnvelope(input.value);
      if (!v.ok) {
        // A duplicated eventId has no one value to name the event by.
        const id = v.errors.some((e) => e.path === '$.eventId' && e.code === 'duplicate_name') ? undefined : (input.value as { eventId?: unknown } | null)?.eventId;
        outcomes[i] = { status: 'rejected', ...(typeof id === 'string' ? { eventId: id } : {}), errors: v.errors };
        continue;
      }
      const e = v.event;
      const notAllowed = sender && sourceNotAllowed(sender, e.source);
      if (notAllowed) {
        outcomes[i] = { status: 'rejected', eventId: e.eventId, errors: [notAllowed] };
        continue;
      }
      const record: WalRecord = { eventId: e.eventId, aggregateId: e.aggregateId, topic: routeTopic(e.type, this.config), body: canonicalJson(e, input.payloadJson), ...(sender ? { sender: sender.name } : {}) };
      const tooLarge = this.deps.maxRecordBytes === undefined ? undefined : recordTooLarge(e, record.body, this.deps.maxRecordBytes);
      if (tooLarge) {
        outcomes[i] = { status: 'rejected', eventId: e.eventId, errors: [tooLarge] };
        continue;
      }
      records.push(record);
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
