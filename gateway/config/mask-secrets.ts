/** Keys whose values are secrets (librdkafka's `sasl.password`, `ssl.key.password`, `sasl.oauthbearer.client.secret`, ...). */
const SECRET_KEY = /(password|secret|token|credential|private)/i;
/** ...but a key naming a file or location is a path, not the secret itself. */
const PATH_KEY = /(file|location|path)$/i;

export const MASK = '***';

/** Pure: a copy of `value` with every secret's value replaced by `***`, at any depth. */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && !PATH_KEY.test(k) && (v === null || typeof v !== 'object') ? MASK : maskSecrets(v);
  }
  return out as T;
}
