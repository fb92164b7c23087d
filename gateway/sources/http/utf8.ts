import { GatewayError } from '../../errors.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Pure: decodes a body as UTF-8, strictly (RFC 3629; I-JSON, RFC 7493 section 2.1), dropping one
 * leading byte order mark (RFC 8259 section 8.1 lets a parser ignore it) whatever the format. Throws
 * GatewayError `invalid_utf8` naming the byte offset of the first byte that is not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new GatewayError('invalid_utf8', `the body is not valid UTF-8 at byte offset ${at} (0x${hex(bytes[at])}); send UTF-8 only`, {
      details: [{ path: '$', code: 'invalid_utf8', message: `byte offset ${at}` }],
    });
  }
}

function hex(b: number | undefined): string {
  return b === undefined ? 'end of body' : b.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Pure: the byte offset where the first ill-formed UTF-8 sequence starts (RFC 3629 section 4: no
 * stray continuation bytes, no overlong forms, no surrogates, nothing above U+10FFFF, nothing cut
 * off by the end), or -1 when all is well-formed.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + need >= n) return i;
    const second = b[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const x = b[i + k]!;
      if (x < 0x80 || x > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
