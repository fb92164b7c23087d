import { readFileSync } from 'node:fs';
import { request, type Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsAnswer {
  status: number;
  json: any;
  /** Serial number of the certificate the server presented. */
  serverSerial: string;
}

/**
 * One HTTPS request with node:https: the client trusts `ca` (a PEM file) only, and presents
 * `client` (PEM files) when given. `body` may be a function that writes the body in steps.
 */
export function httpsCall(
  url: string,
  options: { ca: string; client?: { cert: string; key: string }; method?: string; headers?: Record<string, string>; body?: string; agent?: Agent | false },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: readFileSync(options.ca),
        ...(options.client ? { cert: readFileSync(options.client.cert), key: readFileSync(options.client.key) } : {}),
        headers: options.body === undefined ? options.headers : { 'content-type': 'application/x-ndjson', ...options.headers },
        agent: options.agent ?? false,
      },
      (res) => {
        const serverSerial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || 'null'), serverSerial }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
