import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { isSocketPath } from '../admin/admin-config.js';
import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../errors.js';
import { CliError, EXIT } from './exit-codes.js';

/** Options every command that talks to the gateway takes. */
export interface AdminOptions {
  /** `http://host:port`, `host:port`, `unix:/path` or a socket path; else the config's `admin.listen`. */
  admin?: string;
  config?: string;
  tokenFile?: string;
  json?: boolean;
  timeout?: string;
  /** For an `https://` admin address (admin.tls): the CA to trust, and a client certificate and key (mutual TLS). */
  ca?: string;
  cert?: string;
  key?: string;
}

/** Where and how to reach the admin listener. */
export interface AdminTarget {
  /** `{ host, port }` or `{ socketPath }`, as node:http takes them. */
  where: { host: string; port: number } | { socketPath: string };
  /** Printable, for messages. */
  label: string;
  token: string | undefined;
  timeoutMs: number;
  /** Set for an `https://` address: the PEM contents to trust and to present. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

/**
 * Resolves the target: `--admin` else `admin.listen` of the configuration (`--config`, the default
 * file, EDGE_GATEWAY_* variables); the token from `--token-file` else `admin.tokenFile`. Throws
 * CliError (usage) for a bad configuration that is needed, or an unreadable token file.
 */
export function adminTarget(o: AdminOptions): AdminTarget {
  let listen = o.admin;
  let tokenFile = o.tokenFile;
  if (listen === undefined || tokenFile === undefined) {
    try {
      const config = loadConfig({ file: o.config });
      listen ??= config.admin.tls ? `https://${config.admin.listen}` : config.admin.listen;
      tokenFile ??= config.admin.tokenFile;
    } catch (err) {
      // With --admin given, a configuration that does not load only costs the token.
      if (!(err instanceof ConfigError) || listen === undefined) throw new CliError(EXIT.usage, (err as Error).message);
    }
  }
  const timeoutMs = Number(o.timeout ?? 5000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new CliError(EXIT.usage, `--timeout must be a positive integer (ms), not '${o.timeout}'`);
  const address = parseAddress(listen!);
  const tls = address.label.startsWith('https://')
    ? { ...(o.ca ? { ca: readPem('--ca', o.ca) } : {}), ...(o.cert ? { cert: readPem('--cert', o.cert) } : {}), ...(o.key ? { key: readPem('--key', o.key) } : {}) }
    : undefined;
  return { ...address, token: tokenFile === undefined ? undefined : readToken(tokenFile), timeoutMs, ...(tls ? { tls } : {}) };
}

function readPem(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CliError(EXIT.usage, `${option}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** `http://h:p`, `https://h:p`, `h:p`, `unix:/path` or `/path`. A wildcard listen address is reached on loopback. */
export function parseAddress(text: string): Pick<AdminTarget, 'where' | 'label'> {
  if (text.startsWith('unix:')) return { where: { socketPath: text.slice(5) }, label: text };
  if (!/^https?:\/\//.test(text) && isSocketPath(text)) return { where: { socketPath: text }, label: `unix:${text}` };
  const scheme = text.startsWith('https://') ? 'https' : 'http';
  const hostPort = text.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const i = hostPort.lastIndexOf(':');
  const port = Number(hostPort.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new CliError(EXIT.usage, `admin address '${text}' must be http://host:port, https://host:port, host:port, or unix:/path/to/socket`);
  }
  let host = hostPort.slice(0, i).replace(/^\[|\]$/g, '');
  if (host === '0.0.0.0' || host === '' || host === '::') host = '127.0.0.1';
  return { where: { host, port }, label: `${scheme}://${hostPort.slice(0, i)}:${port}` };
}

/** One admin call's answer: the HTTP status and the parsed JSON body. */
export interface AdminAnswer {
  status: number;
  /** The JSON of the admin API (shapes in README). */
  body: any;
}

/**
 * One request to the admin listener; mutating calls carry the bearer token when one is known.
 * Throws CliError (unreachable) when the listener does not answer within the timeout.
 */
export function adminCall(t: AdminTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<AdminAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && t.token !== undefined) headers.authorization = `Bearer ${t.token}`;
  return new Promise((resolve, reject) => {
    const send = t.tls ? tlsRequest : request;
    const req = send({ ...t.where, ...t.tls, method, path, headers, timeout: t.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode!, body: text === '' ? null : JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode!, body: { text } });
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${t.timeoutMs} ms`)));
    req.on('error', (err) => reject(new CliError(EXIT.unreachable, `cannot reach the admin listener at ${t.label}: ${err.message}`)));
    req.end(payload);
  });
}

function readToken(file: string): string {
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token !== '') return token;
  } catch (err) {
    throw new CliError(EXIT.usage, `cannot read the admin token file ${file}: ${(err as Error).message}`);
  }
  throw new CliError(EXIT.usage, `the admin token file ${file} is empty`);
}
