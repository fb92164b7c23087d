import type { Sender } from '../../auth/sender-registry.js';
import { GatewayError, type ErrorCode, type FieldError } from '../../errors.js';
import { countByClass, type BulkheadsConfig } from '../../pipeline/bulkheads.js';
import type { TraceIds } from '../../pipeline/enrich.js';
import type { PreparedRequest } from '../../pipeline/ingest.js';
import { emptyPrepared, prepareEvents, prepareEventsYielding, type PrepareContext, type Submission } from '../../pipeline/prepare-events.js';
import { Router, type RoutingConfig } from '../../pipeline/routing.js';
import type { CatalogueConfig } from '../../pipeline/validate-event.js';
import { parseEvents, type BodyFormat, type EventLimits } from './parse-events.js';

/** One request's work for an intake thread: plain data (it crosses threads as a structured clone). */
export interface PrepareTask {
  /** The body, already strictly decoded from UTF-8 (see `readBody`). */
  body: string;
  format: BodyFormat;
  /** The authenticated sender's name and sources (auth.senders), not its limits. */
  sender?: Pick<Sender, 'name' | 'sources'>;
}

/** What every request is prepared with: the config sections it needs, as plain data (a thread's `workerData`). */
export interface PrepareSettings {
  catalogue: CatalogueConfig;
  routing: RoutingConfig;
  bulkheads: BulkheadsConfig;
  limits: EventLimits;
  /** The producer's `message.max.bytes` (see `recordTooLarge`). */
  maxRecordBytes?: number;
}

/** A request-level refusal as data: a GatewayError's code, message and field errors. */
export interface PrepareRefusal {
  code: ErrorCode;
  message: string;
  details: readonly FieldError[];
}

/** The request prepared, or refused whole (its GatewayError as data), or a fault of the gateway's own (`fault`: the error's text, for the log). */
export type PrepareResult = { ok: true; prepared: PreparedRequest } | { ok: false; refusal: PrepareRefusal } | { ok: false; fault: string };

/** Settings made ready for many requests (the router built once). */
export interface RequestPreparer {
  /** On a worker thread: the whole request in one go. */
  prepare(task: PrepareTask, now: number, traceIds: TraceIds): PrepareResult;
  /** On the event loop (`http.workerThreads` 0): the same, yielding the loop now and then (`prepareEventsYielding`). */
  prepareYielding(task: PrepareTask, now: number, traceIds: TraceIds): Promise<PrepareResult>;
}

/**
 * Pure but for what it is given: decodes a request's events (`parseEvents`), counts them per
 * bulkhead class, and validates, enriches and routes each (`prepareEvents`). A request refused
 * whole (`malformed_json`, `empty_batch`, `too_many_events`) comes back as a refusal, not a throw,
 * so it survives the thread boundary with its code.
 */
export function requestPreparer(settings: PrepareSettings): RequestPreparer {
  const router = new Router(settings.routing);
  const { bulkheads } = settings;
  type Started = { refusal: PrepareRefusal } | { inputs: Submission[]; ctx: PrepareContext; out: PreparedRequest };
  const start = (task: PrepareTask, now: number, traceIds: TraceIds): Started => {
    let inputs;
    try {
      inputs = parseEvents(task.body, task.format, settings.limits);
    } catch (err) {
      if (err instanceof GatewayError) return { refusal: { code: err.code, message: err.message, details: err.details } };
      throw err;
    }
    const ctx = { catalogue: settings.catalogue, router, now, traceIds, maxRecordBytes: settings.maxRecordBytes, sender: task.sender };
    return { inputs, ctx, out: { ...emptyPrepared(inputs.length), classes: countByClass(inputs, (e) => router.route(e), bulkheads) } };
  };
  return {
    prepare(task, now, traceIds) {
      const s = start(task, now, traceIds);
      if ('refusal' in s) return { ok: false, refusal: s.refusal };
      prepareEvents(s.inputs, s.ctx, s.out);
      return { ok: true, prepared: s.out };
    },
    async prepareYielding(task, now, traceIds) {
      const s = start(task, now, traceIds);
      if ('refusal' in s) return { ok: false, refusal: s.refusal };
      await prepareEventsYielding(s.inputs, s.ctx, s.out);
      return { ok: true, prepared: s.out };
    },
  };
}

/** The refusal as the GatewayError it was. */
export function refusalError(r: PrepareRefusal): GatewayError {
  return new GatewayError(r.code, r.message, { details: r.details });
}
