import { SOH } from './fix-parser.js';

/** One tag=value field, in wire order. Values are Latin-1 strings (FIX is byte-oriented). */
export interface FixField {
  tag: number;
  value: string;
}

/** A decoded frame: its fields in wire order (8, 9 and 10 included) and the frame's bytes. */
export interface FixMessage {
  fields: FixField[];
  raw: Buffer;
}

/**
 * Length-prefixed data fields (FIX 4.4 `data` type): the length tag gives the byte count of the
 * value that follows, which may contain SOH. Keyed by the data tag, valued by its length tag.
 */
const DATA_LENGTH_OF: ReadonlyMap<number, number> = new Map([
  [89, 93], [91, 90], [96, 95], [213, 212], [349, 348], [351, 350], [353, 352], [355, 354], [357, 356],
  [359, 358], [361, 360], [363, 362], [365, 364], [446, 445], [619, 618], [622, 621],
]);

export type DecodeResult = { ok: true; message: FixMessage } | { ok: false; reason: string };

/**
 * Splits a framed message into fields. A field that is not `digits=value<SOH>` (no `=`, a tag that
 * is not a positive integer, a data field shorter than its length) makes the message garbled: it is
 * dropped like a bad checksum. An empty value is kept (the session rejects it, 373=4).
 */
export function decodeFields(raw: Buffer): DecodeResult {
  const fields: FixField[] = [];
  let i = 0;
  let dataLength = -1;
  let dataTag = -1;
  while (i < raw.length) {
    let tag = 0;
    const tagStart = i;
    while (i < raw.length && raw[i]! >= 0x30 && raw[i]! <= 0x39) {
      tag = tag * 10 + (raw[i]! - 0x30);
      i++;
      if (tag > 99_999_999) return { ok: false, reason: 'tag number too large' };
    }
    if (i === tagStart || raw[i] !== 0x3d) return { ok: false, reason: `broken tag=value at byte ${tagStart}` };
    if (tag === 0 || raw[tagStart] === 0x30) return { ok: false, reason: `invalid tag number at byte ${tagStart}` };
    i++;
    let end: number;
    if (tag === dataTag && dataLength >= 0) {
      end = i + dataLength;
      if (end >= raw.length || raw[end] !== SOH) return { ok: false, reason: `data field ${tag} does not match its length` };
    } else {
      end = raw.indexOf(SOH, i);
      if (end < 0) return { ok: false, reason: 'field without SOH' };
    }
    const value = raw.toString('latin1', i, end);
    fields.push({ tag, value });
    const lengthOf = lengthTagToDataTag(tag);
    if (lengthOf > 0 && /^\d{1,9}$/.test(value)) {
      dataTag = lengthOf;
      dataLength = Number(value);
    } else if (tag !== dataTag) {
      dataTag = -1;
      dataLength = -1;
    }
    i = end + 1;
  }
  return { ok: true, message: { fields, raw } };
}

function lengthTagToDataTag(tag: number): number {
  for (const [data, length] of DATA_LENGTH_OF) if (length === tag) return data;
  return -1;
}

/** The first value of `tag`, or undefined. */
export function fieldValue(m: { fields: readonly FixField[] }, tag: number): string | undefined {
  for (const f of m.fields) if (f.tag === tag) return f.value;
  return undefined;
}
