import type { LifecycleFact } from '../catalogue/lifecycle-rules.js';
import type { FieldError } from '../errors.js';

/** What the pipeline hands to the WAL for one validated event. */
export interface WalRecord {
  eventId: string;
  aggregateId: string;
  topic: string;
  /** Canonical JSON of the envelope, exactly as it is forwarded. */
  body: string;
  /** For catalogue events: what the event does to its UTI, judged by the lifecycle read model in the append. */
  lifecycle?: LifecycleFact;
  /** The authenticated sender's name (auth.senders), forwarded as the record header `sender`; null or absent without auth. */
  sender?: string | null;
}

/** An event as the WAL holds it. */
export interface StoredEvent extends WalRecord {
  /** Its place in the log: gap-free, increasing, never reused. */
  seq: number;
  /** Epoch ms of the commit that stored it. */
  receivedAt: number;
  /** A replayed copy: the original's seq and the replay's id (else null or absent). */
  replayOf?: number | null;
  replayId?: string | null;
}

/**
 * One appended record: its seq, or the original's seq when its eventId was already stored; or, when
 * it broke its UTI's lifecycle, `rejected` with the errors (then seq is 0 and nothing was stored).
 */
export type AppendOutcome = { seq: number; duplicate: boolean; rejected?: FieldError[] };
