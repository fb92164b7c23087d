import type { FieldError } from '../errors.js';
import type { ActionType } from './fields.js';

/**
 * The lifecycle of one UTI, as a trade repository enforces it (EMIR REFIT, as applied by DTCC):
 * a UTI's life starts with exactly one NEWT (or POSC); nothing but REVI follows an EROR or a TERM;
 * the execution timestamp never changes on a MODI; an event's date is not before the execution
 * date. Pure: the read model (wal/lifecycle-store.ts) keeps the states and calls these in WAL order.
 */

/** What an accepted event tells the read model about its UTI. */
export interface LifecycleFact {
  uti: string;
  action: ActionType;
  /** RFC 3339 UTC; on NEWT, MODI and CORR. */
  executedAt?: string;
  /** YYYY-MM-DD; on events that have an event date. */
  eventDate?: string;
}

/** Where a UTI's life stands. */
export interface UtiState {
  uti: string;
  /** `open`: live; `terminated` after TERM; `cancelled` after EROR. */
  status: 'open' | 'terminated' | 'cancelled';
  /** The execution timestamp as first reported (normalized); '' when unknown (a rebuild that missed the start). */
  executedAt: string;
  lastAction: ActionType;
  /** WAL seq of the last event applied. */
  lastSeq: number;
  /** Events applied. */
  events: number;
}

const STARTS: ReadonlySet<ActionType> = new Set(['NEWT', 'POSC']);

/** Pure: the lifecycle errors of `fact` given its UTI's current state (undefined: never seen). */
export function lifecycleErrors(state: UtiState | undefined, fact: LifecycleFact): FieldError[] {
  const errors: FieldError[] = [];
  const uti = '$.payload.uti';
  if (STARTS.has(fact.action)) {
    if (state) errors.push({ path: uti, code: 'lifecycle_already_started', message: `UTI ${fact.uti} already started (last ${state.lastAction} at seq ${state.lastSeq}); a UTI's life starts once` });
    return errors;
  }
  if (!state) {
    errors.push({ path: uti, code: 'lifecycle_not_started', message: `UTI ${fact.uti} has no NEWT: its life must start with one before a ${fact.action}` });
    return errors;
  }
  if (state.status !== 'open' && fact.action !== 'REVI') {
    errors.push({ path: uti, code: 'lifecycle_ended', message: `UTI ${fact.uti} is ${state.status} (${state.lastAction}); only a REVI may follow` });
  }
  if (state.status === 'open' && fact.action === 'REVI') {
    errors.push({ path: uti, code: 'lifecycle_not_ended', message: `UTI ${fact.uti} is live: only a terminated or cancelled trade can be revived` });
  }
  if (fact.action === 'MODI' && fact.executedAt !== undefined && state.executedAt !== '' && normalizeTimestamp(fact.executedAt) !== state.executedAt) {
    errors.push({ path: '$.payload.executedAt', code: 'execution_time_changed', message: `a MODI never changes the execution timestamp (${state.executedAt}); a wrong one is corrected with a CORR` });
  }
  if (fact.eventDate !== undefined && state.executedAt !== '' && fact.eventDate < state.executedAt.slice(0, 10)) {
    errors.push({ path: '$.payload.eventDate', code: 'event_date_before_execution', message: `event date ${fact.eventDate} is before the UTI's execution date ${state.executedAt.slice(0, 10)}` });
  }
  return errors;
}

/** Pure: the state after applying `fact` (accepted) at WAL `seq`. A rebuild may start from a non-NEWT (the start was pruned). */
export function applyFact(state: UtiState | undefined, fact: LifecycleFact, seq: number): UtiState {
  const status = fact.action === 'TERM' ? 'terminated' : fact.action === 'EROR' ? 'cancelled' : fact.action === 'REVI' || STARTS.has(fact.action) ? 'open' : (state?.status ?? 'open');
  const keepsTime = state !== undefined && state.executedAt !== '' && !STARTS.has(fact.action) && fact.action !== 'CORR';
  const executedAt = keepsTime ? state.executedAt : fact.executedAt !== undefined ? normalizeTimestamp(fact.executedAt) : (state?.executedAt ?? '');
  return { uti: fact.uti, status, executedAt, lastAction: fact.action, lastSeq: seq, events: (state?.events ?? 0) + 1 };
}

/** Pure: one spelling per instant, so `...00.120Z` and `...00.12Z` compare equal. */
export function normalizeTimestamp(ts: string): string {
  return ts.replace(/(\.\d*?)0+Z$/, '$1Z').replace(/\.Z$/, 'Z');
}
