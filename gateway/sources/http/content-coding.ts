import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { GatewayError } from '../../errors.js';

export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/**
 * Pure: the one Content-Encoding of a request body (RFC 9110 section 8.4): none or `identity`,
 * `gzip` (also `x-gzip`), `deflate` (the zlib format, RFC 1950). Throws GatewayError
 * `unsupported_content_encoding` (415) naming any other coding, or more than one.
 */
export function contentCoding(header: string | undefined): ContentCoding {
  const codings = (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return 'gzip';
  if (codings.length === 1 && codings[0] === 'deflate') return 'deflate';
  throw new GatewayError(
    'unsupported_content_encoding',
    `Content-Encoding '${header}' is not supported; send the body as is, or gzip or deflate (one coding)`,
  );
}

/** A streaming decoder for the coding. */
export function decoderFor(coding: Exclude<ContentCoding, 'identity'>): Gunzip | Inflate {
  return coding === 'gzip' ? createGunzip() : createInflate();
}
