import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../errors.js';

/** Reads the whole request body as UTF-8, refusing (413) more than `maxBytes`, declared or sent. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    // Also how a client that goes away mid-body shows up (ECONNRESET 'aborted').
    req.on('error', (err) => {
      if (!failed) reject(new GatewayError('body_read_failed', `could not read the request body: ${err.message}`));
      failed = true;
    });
  });
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('body_too_large', `the body exceeds the limit of ${maxBytes} bytes`);
}
