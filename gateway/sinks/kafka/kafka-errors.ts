import { createRequire } from 'node:module';
import Kafka from 'node-rdkafka';

/**
 * What to do with a record Kafka did not take:
 * - `retry`: transient (broker down, timeout, queue full, authorisation not yet granted): the
 *   record stays pending and is sent again after a backoff.
 * - `poison`: this record can never be written as it is (too large for the client, unknown or
 *   invalid topic): it goes to the dead-letter store and the events behind it flow on.
 * - `suspect`: the broker refused the request the record travelled in (size, record or policy
 *   checks apply to a whole batch), so the record is sent again on its own; if the broker refuses
 *   it alone too, it is poison.
 */
export type Disposition = 'retry' | 'poison' | 'suspect';

/** A record's outcome as the forwarder names it: confirmed by Kafka, or one of the dispositions of a refusal. */
export type DeliveryStatus = 'delivered' | Disposition;

const E = Kafka.CODES.ERRORS;

/** Refusals that concern one record, whether raised by librdkafka or reported by the broker. */
const RECORD_ERRORS = new Set<number>([
  E.ERR__UNKNOWN_TOPIC,
  E.ERR_UNKNOWN_TOPIC_OR_PART,
  E.ERR__UNKNOWN_PARTITION,
  E.ERR_TOPIC_EXCEPTION,
  E.ERR__INVALID_ARG,
]);

/** Broker refusals of a produce request as a whole. */
const BATCH_ERRORS = new Set<number>([
  E.ERR_MSG_SIZE_TOO_LARGE,
  E.ERR_RECORD_LIST_TOO_LARGE,
  E.ERR_INVALID_RECORD,
  E.ERR_POLICY_VIOLATION,
  E.ERR_INVALID_TIMESTAMP,
]);

/**
 * Pure. `local` is true when `produce()` itself refused the record (it never left the process),
 * false for a delivery report.
 */
export function dispositionOf(code: number, local: boolean): Disposition {
  if (RECORD_ERRORS.has(code)) return 'poison';
  // librdkafka checks one message's size against message.max.bytes before queueing it.
  if (local && code === E.ERR_MSG_SIZE_TOO_LARGE) return 'poison';
  if (BATCH_ERRORS.has(code)) return 'suspect';
  return 'retry';
}

const NAMES = new Map<number, string>(Object.entries(E).map(([name, code]) => [code as number, name]));

/** librdkafka's name for an error code, e.g. `ERR_MSG_SIZE_TOO_LARGE`, as stored with dead letters. */
export function codeName(code: number): string {
  return NAMES.get(code) ?? `ERR_${code}`;
}

// node-rdkafka hands delivery-report errors over as text ("message size too large") with code -1:
// map librdkafka's own descriptions back to their codes.
const describe = createRequire(import.meta.url)('node-rdkafka/lib/error.js').create as (code: number) => { message: string };
const BY_TEXT = new Map<string, number>();
for (const code of Object.values(E) as number[]) {
  const text = describe(code).message;
  BY_TEXT.set(text.slice(text.indexOf(': ') + 2).toLowerCase(), code);
}

/** The librdkafka error code of an error from node-rdkafka, also when it arrived as text only. */
export function codeOf(err: { code: number; message: string }): number {
  if (err.code !== -1) return err.code;
  return BY_TEXT.get(err.message.toLowerCase()) ?? err.code;
}
