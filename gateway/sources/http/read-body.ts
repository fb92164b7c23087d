import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../errors.js';
import { contentCoding, decoderFor } from './content-coding.js';
import { decodeUtf8 } from './utf8.js';

/**
 * Reads the whole request body, undoes its Content-Encoding (gzip, deflate) and decodes it as
 * strict UTF-8 (see `decodeUtf8`). `maxBytes` bounds the bytes received and the decoded bytes
 * alike, checked as they stream, so a small compressed bomb stops at the limit. Rejects with
 * GatewayError `body_too_large`, `unsupported_content_encoding`, `malformed_content_encoding`,
 * `invalid_utf8` or `body_read_failed`.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const coding = contentCoding(req.headers['content-encoding']);
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes, coding !== 'identity');
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let decoded = 0;
    let done = false;
    const fail = (err: GatewayError) => {
      if (done) return;
      done = true;
      chunks.length = 0;
      decoder?.destroy();
      reject(err);
    };
    const decoder = coding === 'identity' ? undefined : decoderFor(coding);
    const keep = (chunk: Buffer) => {
      if (done) return;
      decoded += chunk.length;
      if (decoded > maxBytes) return fail(tooLarge(maxBytes, decoder !== undefined));
      chunks.push(chunk);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > maxBytes) return fail(tooLarge(maxBytes, false));
      if (decoder) decoder.write(chunk);
      else keep(chunk);
    });
    req.on('end', () => {
      // An empty coded body decodes to nothing (zlib would wait for a header that never comes).
      if (!decoder || received === 0) {
        if (!done) {
          done = true;
          resolve(Buffer.concat(chunks, decoded));
        }
        return;
      }
      decoder.end();
    });
    if (decoder) {
      decoder.on('data', keep);
      decoder.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks, decoded));
      });
      decoder.on('error', (err) =>
        fail(new GatewayError('malformed_content_encoding', `the body is not valid ${coding} data as its Content-Encoding says: ${err.message}`)),
      );
    }
    // Also how a client that goes away mid-body shows up (ECONNRESET 'aborted').
    req.on('error', (err) => fail(new GatewayError('body_read_failed', `could not read the request body: ${err.message}`)));
  });
  return decodeUtf8(bytes);
}

function tooLarge(maxBytes: number, decoded: boolean): GatewayError {
  return new GatewayError('body_too_large', `the body exceeds the limit of ${maxBytes} bytes${decoded ? ' (sent or decoded)' : ''}`);
}
