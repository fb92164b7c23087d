import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { jsonPath } from './json-path.js';

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
  occurredAt: z.iso.datetime({ message: 'must be an RFC 3339 timestamp in UTC, e.g. 2026-01-02T03:04:05.678Z' }),
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
    errors: r.error.issues.map((i) => ({
      path: jsonPath(i.path),
      // Custom checks carry their own stable code.
      code: i.code === 'custom' && typeof i.params?.code === 'string' ? i.params.code : i.code,
      message: i.message,
    })),
  };
}

/** The stored and forwarded form: fixed key order, optional keys only when present. */
export function canonicalJson(e: Envelope): string {
  return JSON.stringify({
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    occurredAt: e.occurredAt,
    source: e.source,
    aggregateId: e.aggregateId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    traceparent: e.traceparent,
    payload: e.payload,
  });
}
