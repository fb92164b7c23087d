import { CATALOGUE } from './catalogue.js';
import type { CatalogueEntry, Payload } from './catalogue-entry.js';
import type { LifecycleFact } from './lifecycle-rules.js';
import { upcast } from './upcast.js';

/** Pure: what a current-version payload of `entry` tells the lifecycle read model. */
export function lifecycleFactOf(entry: CatalogueEntry, p: Payload): LifecycleFact {
  return {
    uti: p.uti as string,
    action: entry.actionType,
    ...(typeof p.executedAt === 'string' ? { executedAt: p.executedAt } : {}),
    ...(typeof p.eventDate === 'string' ? { eventDate: p.eventDate } : {}),
  };
}

/**
 * Pure: the lifecycle fact of a stored event (its canonical JSON, as the WAL holds it), for
 * rebuilding the read model; undefined for a type outside the catalogue (passed through). A body
 * stored in an older version is upcast first, as on ingest.
 */
export function lifecycleFactOfBody(body: string): LifecycleFact | undefined {
  const e = JSON.parse(body) as { type: string; version: number; payload: Payload };
  const entry = CATALOGUE.get(e.type);
  if (!entry || !entry.versions.some((v) => v.version === e.version)) return undefined;
  return lifecycleFactOf(entry, upcast(entry, e.version, e.payload));
}
