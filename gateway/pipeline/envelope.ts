import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { fieldErrors } from './zod-issues.js';

/**
 * The canonical event envelope, version 1. Everything that enters the WAL passed this schema;
 * the stored and forwarded form is `canonicalJson(envelope)`.
 */

const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' });

/** Past-tense verbs that do not end in -ed, for event type names such as `TradeSent`. */
const IRREGULAR_PAST = new Set([
  'Sent', 'Built', 'Paid', 'Made', 'Held', 'Set', 'Sold', 'Bought', 'Split', 'Cut', 'Won', 'Lost',
  'Done', 'Given', 'Taken', 'Put', 'Reset', 'Rebuilt', 'Resent', 'Withdrawn', 'Undone', 'Begun',
]);

const eventType = z
  .string()
  .max(128)
  .superRefine((s, ctx) => {
    if (!/^(?:[A-Z][a-z0-9]+)+$/.test(s)) {
      ctx.addIssue({ code: 'custom', params: { code: 'invalid_format' }, message: 'must be PascalCase, e.g. TradeConfirmed' });
      return;
    }
    const last = s.match(/[A-Z][a-z0-9]+$/)![0];
    if (!last.endsWith('ed') && !IRREGULAR_PAST.has(last)) {
      ctx.addIssue({
        code: 'custom',
        params: { code: 'not_past_tense' },
        message: 'must name something that happened, in the past tense, e.g. TradeConfirmed',
      });
    }
  });

const iso = z.iso.datetime();

/**
 * RFC 3339 in UTC (`Z`). A leap second (`23:59:60`, RFC 3339 section 5.7) is accepted and kept as
 * sent: it is a real instant (e.g. 2016-12-31T23:59:60Z), and FIX UTCTimestamp allows it too.
 */
const rfc3339Utc = z.string().refine((s) => iso.safeParse(s.replace(/T23:59:60(?=[.Z])/, 'T23:59:59')).success, {
  message: 'must be an RFC 3339 timestamp in UTC, e.g. 2026-01-02T03:04:05.678Z',
  params: { code: 'invalid_format' },
}).meta({
  // What the refine checks, for the JSON Schema (a refine has none): RFC 3339 date-time, in UTC.
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z$',
});

const traceparent = z
  .string()
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, {
    message: 'must be a W3C traceparent: 2-32-16-2 lower-case hex digits',
  })
  .refine((s) => !s.startsWith('ff') && !/^..-0{32}-/.test(s) && !/-0{16}-..$/.test(s), {
    message: 'traceparent has an invalid version or an all-zero trace or parent id',
    params: { code: 'invalid_format' },
  });

export const EnvelopeSchema = z.strictObject({
  eventId: printable(128),
  type: eventType,
  version: z.number().int().positive().max(2_147_483_647),
  occurredAt: rfc3339Utc,
  source: printable(128),
  aggregateId: printable(256),
  correlationId: printable(128).optional(),
  causationId: printable(128).optional(),
  traceparent: traceparent.optional(),
  payload: z.record(z.string(), z.unknown()),
});

export type Envelope = z.infer<typeof EnvelopeSchema>;

export type EnvelopeResult = { ok: true; event: Envelope } | { ok: false; errors: FieldError[] };

/** Pure: validates one decoded JSON value as an envelope. */
export function validateEnvelope(input: unknown): EnvelopeResult {
  const r = EnvelopeSchema.safeParse(input);
  if (r.success) return { ok: true, event: r.data };
  return {
    ok: false,
    errors: fieldErrors(r.error.issues, [], EnvelopeSchema),
  };
}

/**
 * The stored and forwarded form: fixed key order, optional keys only when present, `payload` last.
 * `payloadJson` is the payload's JSON text exactly as sent (see `Submission`); without it (an
 * event built in code) the decoded payload is serialised.
 */
export function canonicalJson(e: Envelope, payloadJson?: string): string {
  const head = JSON.stringify({
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    occurredAt: e.occurredAt,
    source: e.source,
    aggregateId: e.aggregateId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    traceparent: e.traceparent,
  });
  return `${head.slice(0, -1)},"payload":${payloadJson ?? JSON.stringify(e.payload)}}`;
}
