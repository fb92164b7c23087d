import { createHash } from 'node:crypto';

/**
 * The sha256 (hex) of the effective configuration as canonical JSON (keys sorted at every level),
 * so two gateways, or one before and after a restart, can be compared by one value in the start-up
 * log line without printing the configuration (which may hold secrets).
 */
export function configDigest(config: unknown): string {
  return createHash('sha256').update(canonical(config)).digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
