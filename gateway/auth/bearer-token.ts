import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The bearer token of a request (RFC 6750 section 2.1: `Authorization: Bearer <token>`), or
 * undefined when the header is missing or is not of that form.
 */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : undefined;
}

/** SHA-256 of a token's UTF-8 bytes: tokens are held and compared only as digests. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Constant time: compares two SHA-256 digests with `timingSafeEqual`, so neither a token's bytes
 * nor its length show in the time a refusal takes.
 */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
