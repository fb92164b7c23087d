import { z } from 'zod';
import { CATALOGUE } from '../catalogue/catalogue.js';
import { currentVersion, type CatalogueEntry, type Payload } from '../catalogue/catalogue-entry.js';
import { crossFieldErrors } from '../catalogue/cross-field-rules.js';
import { lifecycleFactOf } from '../catalogue/lifecycle-fact.js';
import type { LifecycleFact } from '../catalogue/lifecycle-rules.js';
import { upcast } from '../catalogue/upcast.js';
import type { FieldError } from '../errors.js';
import { validateEnvelope, type Envelope } from './envelope.js';
import { fieldErrors } from './zod-issues.js';

/** The `catalogue` section, owned by the pipeline: how events are checked against the catalogue. */
export const CatalogueConfigSchema = z.strictObject({
  /**
   * `reject`: a type not in the catalogue is refused (`unknown_event_type`). `passThrough`: it is
   * taken with envelope checks only: no payload rules, no versions, no lifecycle (see README).
   */
  unknownTypes: z.enum(['reject', 'passThrough']).default('reject'),
  /** How far (ms) a timestamp such as `executedAt` may lie ahead of the gateway's clock. */
  maxClockSkewMs: z.number().int().nonnegative().default(300_000),
});
export type CatalogueConfig = z.infer<typeof CatalogueConfigSchema>;

/** An event the catalogue accepted, in its current version; `fact` feeds the lifecycle read model. */
export type CatalogueResult =
  | { ok: true; event: Envelope; entry?: CatalogueEntry; fact?: LifecycleFact }
  | { ok: false; errors: FieldError[] };

/**
 * Pure (the clock is passed in): checks an envelope's payload against its type and version in the
 * catalogue, runs the cross-field rules, and upcasts an older version to the current one. Every
 * problem is listed, each with a stable code and a JSON path. Source-agnostic: HTTP and FIX call it
 * alike, after the envelope has been parsed and checked.
 */
export function validateCatalogueEvent(e: Envelope, config: CatalogueConfig, now: number): CatalogueResult {
  const entry = CATALOGUE.get(e.type);
  if (!entry) {
    if (config.unknownTypes === 'passThrough') return { ok: true, event: e };
    return { ok: false, errors: [{ path: '$.type', code: 'unknown_event_type', message: `'${e.type}' is not in the event catalogue (GET /v1/schemas lists the types)` }] };
  }
  const def = entry.versions.find((v) => v.version === e.version);
  if (!def) {
    const known = entry.versions.map((v) => v.version).join(', ');
    return { ok: false, errors: [{ path: '$.version', code: 'unknown_event_version', message: `${e.type} has versions ${known}, not ${e.version}` }] };
  }
  const parsed = def.schema.safeParse(e.payload);
  const errors = parsed.success ? [] : fieldErrors(parsed.error.issues, ['payload'], def.schema);
  errors.push(...crossFieldErrors(entry, e.payload), ...futureErrors(entry, e.payload, now + config.maxClockSkewMs));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  const current = currentVersion(entry);
  const payload = upcast(entry, e.version, parsed.data);
  const event = current.version === e.version ? e : { ...e, version: current.version, payload };
  return { ok: true, event, entry, fact: lifecycleFactOf(entry, payload) };
}

/**
 * Pure (the clock is passed in): one decoded event, from any source, checked whole: the envelope,
 * then the catalogue. When the envelope fails but its type, version and payload are usable, the
 * payload is checked too, so the sender sees every problem at once.
 */
export function validateEvent(input: unknown, config: CatalogueConfig, now: number): CatalogueResult {
  const envelope = validateEnvelope(input);
  if (envelope.ok) return validateCatalogueEvent(envelope.event, config, now);
  const e = input as Partial<Envelope> | null;
  const bad = new Set(envelope.errors.map((x) => x.path.split('.')[1]));
  const usable = e !== null && typeof e === 'object' && CATALOGUE.has(String(e.type)) && !bad.has('type') && !bad.has('version') && !bad.has('payload');
  if (!usable) return envelope;
  const payload = validateCatalogueEvent(e as Envelope, config, now);
  return { ok: false, errors: payload.ok ? envelope.errors : [...envelope.errors, ...payload.errors] };
}

function futureErrors(entry: CatalogueEntry, p: Payload, latest: number): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of entry.timestamps) {
    const v = p[field];
    if (typeof v === 'string' && Date.parse(v) > latest) {
      errors.push({ path: `$.payload.${field}`, code: 'timestamp_in_future', message: `${v} lies in the future beyond the allowed clock skew` });
    }
  }
  return errors;
}
