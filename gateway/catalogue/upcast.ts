import type { CatalogueEntry, Payload } from './catalogue-entry.js';

/**
 * Pure: a valid payload of `fromVersion` brought to the entry's current version by its upcasters,
 * one step at a time (v1 -> v2 -> v3). Throws when a step is missing: a catalogue bug, caught by
 * the catalogue's own tests.
 */
export function upcast(entry: CatalogueEntry, fromVersion: number, payload: Payload): Payload {
  let p = payload;
  for (const v of entry.versions) {
    if (v.version < fromVersion || v === entry.versions[entry.versions.length - 1]) continue;
    if (!v.upcast) throw new Error(`${entry.type} v${v.version} has no upcaster to v${v.version + 1}`);
    p = v.upcast(p);
  }
  return p;
}
