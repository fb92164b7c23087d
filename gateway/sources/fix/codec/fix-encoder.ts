import { checksum } from './fix-parser.js';
import type { FixField } from './fix-message.js';

/**
 * Builds the bytes of one message: `8=<beginString>`, `9=<BodyLength>`, the given fields in the
 * given order (35 first, then the rest of the header, body), `10=<CheckSum>` (FIX 4.4 Vol. 2,
 * "Message format"). Values must not contain SOH (data fields excepted; their length tag first).
 */
export function encodeMessage(beginString: string, fields: readonly FixField[]): Buffer {
  let body = '';
  for (const f of fields) body += `${f.tag}=${f.value}\x01`;
  const head = `8=${beginString}\x019=${Buffer.byteLength(body, 'latin1')}\x01`;
  const withoutTrailer = Buffer.from(head + body, 'latin1');
  const sum = checksum(withoutTrailer, 0, withoutTrailer.length);
  return Buffer.concat([withoutTrailer, Buffer.from(`10=${String(sum).padStart(3, '0')}\x01`, 'latin1')]);
}

/** FIX UTCTimestamp with milliseconds, `YYYYMMDD-HH:MM:SS.sss`, from epoch ms. */
export function utcTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-30T09:51:21.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`;
}

const UTC_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}|\d{6}|\d{9}))?$/;

/**
 * Parses a FIX UTCTimestamp (`YYYYMMDD-HH:MM:SS[.sss|.ssssss|.sssssssss]`, leap second :60 allowed)
 * to `{ ms, rfc3339 }`: epoch ms (a leap second counts as :59.999) and the RFC 3339 form with `Z`
 * keeping every fractional digit. Undefined when malformed or out of range.
 */
export function parseUtcTimestamp(s: string): { ms: number; rfc3339: string } | undefined {
  const m = UTC_TIMESTAMP.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac] = m;
  const month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const base = Date.UTC(Number(y), month - 1, day, hour, minute, Math.min(second, 59), frac ? Number(frac.slice(0, 3)) : 0);
  if (new Date(base).getUTCDate() !== day) return undefined;
  const ms = second === 60 ? base + 999 : base;
  return { ms, rfc3339: `${y}-${mo}-${d}T${h}:${mi}:${sec}${frac ? `.${frac}` : ''}Z` };
}
