import type { z } from 'zod';
import type { ActionType } from './fields.js';

/** A payload as the catalogue handles it: a decoded JSON object. */
export type Payload = Record<string, unknown>;

/** One numbered version of an event type's payload. */
export interface CatalogueVersion {
  version: number;
  schema: z.ZodType<Payload>;
  /**
   * Pure: turns a valid payload of this version into the next version's (v1 -> v2). Absent on
   * the current version. Each step is small and tested alone; upcasting chains the steps.
   */
  upcast?: (payload: Payload) => Payload;
}

/** One canonical event type: its action type (ISO 20022 TransactionOperationType10Code) and its versions. */
export interface CatalogueEntry {
  type: string;
  actionType: ActionType;
  /** One line for the schema listing. */
  summary: string;
  /** Ascending from 1; the last is the current version, the shape the bus sees. */
  versions: readonly CatalogueVersion[];
  /** Payload fields holding timestamps that must not lie in the future (beyond the configured skew). */
  timestamps: readonly string[];
}

/** The current (highest) version of an entry. */
export function currentVersion(entry: CatalogueEntry): CatalogueVersion {
  return entry.versions[entry.versions.length - 1]!;
}
