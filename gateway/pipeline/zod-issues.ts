import type { z } from 'zod';
import type { FieldError } from '../errors.js';
import { jsonPath } from './json-path.js';

/**
 * Pure: zod issues as field errors under `prefix` (e.g. `['payload']`). Custom checks carry their
 * own stable code in `params.code`. A union (ISIN or UPI) reports the branch that came closest,
 * so the sender reads `$.payload.instrument.isin invalid_isin`, not "invalid input".
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): FieldError[] {
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
    const code = i.code === 'custom' && typeof i.params?.code === 'string' ? i.params.code : i.code;
    out.push({ path: jsonPath(path), code, message: i.message });
  }
  return out;
}
