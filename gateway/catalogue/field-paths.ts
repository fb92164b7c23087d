import { z } from 'zod';
import { CATALOGUE } from './catalogue.js';
import { currentVersion } from './catalogue-entry.js';

type JsonSchema = { properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[]; oneOf?: JsonSchema[] };

/** Pure: the dotted payload paths a JSON Schema describes, e.g. `assetClass`, `instrument.isin`. */
export function schemaPaths(schema: JsonSchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    out.push(prefix + key, ...schemaPaths(sub, `${prefix}${key}.`));
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) out.push(...schemaPaths(branch, prefix));
  return [...new Set(out)];
}

/** The payload field paths of each catalogue type's current version (what routing may match on). */
export function currentPayloadPaths(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const entry of CATALOGUE.values()) {
    out.set(entry.type, new Set(schemaPaths(z.toJSONSchema(currentVersion(entry).schema) as JsonSchema)));
  }
  return out;
}
