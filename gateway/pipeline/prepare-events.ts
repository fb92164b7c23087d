import { sourceNotAllowed, type Sender } from '../auth/sender-registry.js';
import type { FieldError } from '../errors.js';
import type { WalRecord } from '../wal/stored-event.js';
import { enrich, type TraceIds } from './enrich.js';
import { canonicalJson } from './envelope.js';
import { recordTooLarge } from './record-size.js';
import type { Router } from './routing.js';
import { validateEvent, type CatalogueConfig } from './validate-event.js';

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

/** An event refused with every problem found, by JSON path and code; `eventId` when it had a usable one. */
export type Rejected = { status: 'rejected'; eventId?: string; errors: FieldError[] };

/**
 * A request's events after validation, before the WAL: plain data, so it crosses a thread
 * boundary as one structured clone (see `RequestPool`).
 */
export interface PreparedEvents {
  /** Per input, in input order: its rejection, or null when it is one of `records`. */
  rejected: Array<Rejected | null>;
  /** The valid events' WAL records, in input order. */
  records: WalRecord[];
  /** For each record, the index of its input. */
  at: number[];
  /** For each record, its event type (a metrics label). */
  types: string[];
}

/** What preparing needs besides the events; all of it pure or plain data. */
export interface PrepareContext {
  catalogue: CatalogueConfig;
  router: Pick<Router, 'route'>;
  /** Epoch ms: the clock the catalogue's future-timestamp rule uses. */
  now: number;
  traceIds: TraceIds;
  /** The producer's `message.max.bytes`: an event whose record can never fit is refused (`event_too_large`). */
  maxRecordBytes?: number;
  /** The authenticated sender (auth.senders): its events may only use its `source` values and carry its name. */
  sender?: Pick<Sender, 'name' | 'sources'>;
}

/** Nothing prepared yet for a request of `inputs` events: every slot null, no records. */
export function emptyPrepared(inputs: number): PreparedEvents {
  return { rejected: new Array<Rejected | null>(inputs).fill(null), records: [], at: [], types: [] };
}

/**
 * Pure (clock and trace ids come in `ctx`): validates inputs `from` to `to` (exclusive) in order
 * (envelope, then the catalogue: payload, version, cross-field rules), upcasts, enriches and routes
 * each valid one, and adds its WAL record or its rejection to `out`. Throws nothing: every problem
 * is a per-event rejection with its code and JSON path.
 */
export function prepareEvents(inputs: readonly Submission[], ctx: PrepareContext, out: PreparedEvents, from = 0, to = inputs.length): PreparedEvents {
  const { sender } = ctx;
  for (let i = from; i < to; i++) {
    const input = inputs[i]!;
    const c = input.errors?.length ? { ok: false as const, errors: [...input.errors] } : validateEvent(input.value, ctx.catalogue, ctx.now);
    if (!c.ok) {
      // A duplicated eventId has no one value to name the event by.
      const id = c.errors.some((e) => e.path === '$.eventId' && e.code === 'duplicate_name') ? undefined : (input.value as { eventId?: unknown } | null)?.eventId;
      out.rejected[i] = { status: 'rejected', ...(typeof id === 'string' ? { eventId: id } : {}), errors: c.errors };
      continue;
    }
    const e = enrich(c.event, ctx.traceIds);
    const notAllowed = sender && sourceNotAllowed(sender, e.source);
    if (notAllowed) {
      out.rejected[i] = { status: 'rejected', eventId: e.eventId, errors: [notAllowed] };
      continue;
    }
    const { topic } = ctx.router.route(e);
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
    const tooLarge = ctx.maxRecordBytes === undefined ? undefined : recordTooLarge(e, record.body, ctx.maxRecordBytes);
    if (tooLarge) {
      out.rejected[i] = { status: 'rejected', eventId: e.eventId, errors: [tooLarge] };
      continue;
    }
    out.records.push(record);
    out.at.push(i);
    out.types.push(e.type);
  }
  return out;
}

/** Events validated in one go before a request on the event loop yields it (2,000 events hold it ~50 ms). */
export const YIELD_EVERY_EVENTS = 250;

/**
 * `prepareEvents` for the event loop: the same result, yielding the loop (setImmediate) every
 * YIELD_EVERY_EVENTS events, so small urgent requests are not held behind a large one.
 */
export async function prepareEventsYielding(inputs: readonly Submission[], ctx: PrepareContext, out: PreparedEvents): Promise<PreparedEvents> {
  for (let i = 0; i < inputs.length; i += YIELD_EVERY_EVENTS) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    prepareEvents(inputs, ctx, out, i, Math.min(inputs.length, i + YIELD_EVERY_EVENTS));
  }
  return out;
}
