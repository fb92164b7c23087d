import type { z } from 'zod';
import { nearestName } from '../config/nearest-name.js';
import type { FieldError } from '../errors.js';
import { jsonPath } from './json-path.js';

/**
 * Pure: zod issues as field errors under `prefix` (e.g. `['payload']`). Custom checks carry their
 * own stable code in `params.code`. A union (ISIN or UPI) reports the branch that came closest,
 * so the sender reads `$.payload.instrument.isin invalid_isin`, not "invalid input". Unknown
 * members (`unrecognized_keys`) are reported one by one at their own path, with the nearest known
 * member name of `schema` (the schema the issues' paths start from) when one is close.
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[], schema?: z.ZodType): FieldError[] {
  const out: FieldError[] = [];
  for (const i of issues) {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const closest = i.errors.reduce((a, b) => (b.length < a.length ? b : a));
      if (closest.length > 0) {
        out.push(...fieldErrors(closest, path));
        continue;
      }
    }
    if (i.code === 'unrecognized_keys') {
      const known = schema ? keysAt(schema, i.path) : [];
      for (const key of i.keys) {
        const near = nearestName(key, known);
        const where = path.length === 0 ? 'an event' : jsonPath(path);
        out.push({ path: jsonPath([...path, key]), code: i.code, message: `not a member of ${where} (unknown members are refused)${near ? `; did you mean '${near}'?` : ''}` });
      }
      continue;
    }
    const code = i.code === 'custom' && typeof i.params?.code === 'string' ? i.params.code : i.code;
    out.push({ path: jsonPath(path), code, message: i.message });
  }
  return out;
}

/** The member names of the object schema at `path` inside `schema` (through optional, default and array wrappers), or none. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.core.$ZodType | undefined = schema;
  for (const seg of [...path, undefined]) {
    // Unwrap what does not change the shape.
    for (let def = s?._zod.def as { type?: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType } | undefined; def && (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault' || def.type === 'pipe'); def = s?._zod.def as typeof def) {
      s = def.type === 'pipe' ? def.in : def.innerType;
    }
    const def = s?._zod.def as { type?: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType } | undefined;
    if (seg === undefined) return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
    if (def?.type === 'object' && def.shape && typeof seg === 'string') s = def.shape[seg];
    else if (def?.type === 'array' && typeof seg === 'number') s = def.element;
    else return [];
  }
  return [];
}
