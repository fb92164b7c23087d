import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { ConfigError, GatewayError, type FieldError } from '../errors.js';
import type { AuthConfig } from './auth-config.js';
import { bearerToken, digestsEqual, tokenDigest } from './bearer-token.js';
import { FailureThrottle } from './failure-throttle.js';
import { readSecretFile } from './secret-file.js';
import { SenderLimits } from './sender-limits.js';

/** An authenticated sender: its name (recorded with its events) and the `source` values it may use. */
export interface Sender {
  name: string;
  sources: ReadonlySet<string>;
  /** Its connections and events per second. */
  limits?: SenderLimits;
}

/** Log text of each refusal reason (the keys are health's `failuresByReason`). */
const REFUSAL_TEXT = { wrong_token: 'wrong token', malformed_authorization: 'malformed Authorization header', no_token: 'no token' } as const;

/**
 * The configured senders and their token digests. `authenticate` finds the sender of a request in
 * constant time per sender (every digest is compared, no early exit), logs and counts a refusal
 * (never the token), and throws GatewayError `unauthenticated`.
 */
export class SenderRegistry {
  readonly name = 'auth';
  private readonly senders: Array<Sender & { digest: Buffer | undefined; clientCertificate: string | undefined; limits: SenderLimits }>;
  private refused = 0;
  /** Refusals by reason (the `reason` label of edge_gateway_auth_failures_total). */
  private readonly refusedBy: Record<'no_token' | 'wrong_token' | 'malformed_authorization', number> = { no_token: 0, wrong_token: 0, malformed_authorization: 0 };
  private readonly throttle: FailureThrottle;

  /** Reads every `tokenFile`; throws ConfigError when one cannot be read, is readable by others, is empty, or two senders share a token. */
  constructor(
    config: AuthConfig,
    private readonly deps: { log: Logger },
  ) {
    this.senders = config.senders.map((s, i) => ({
      name: s.name,
      sources: new Set(s.sources),
      digest:
        s.tokenFile !== undefined ? tokenDigest(readSecretFile(`auth.senders[${i}].tokenFile`, s.tokenFile)) : s.tokenSha256 !== undefined ? Buffer.from(s.tokenSha256, 'hex') : undefined,
      clientCertificate: s.clientCertificate,
      limits: new SenderLimits(s),
    }));
    this.throttle = new FailureThrottle(config.failureDelay);
    const seen = new Map<string, string>();
    for (const s of this.senders) {
      if (!s.digest) continue;
      const other = seen.get(s.digest.toString('hex'));
      if (other) throw new ConfigError([`auth.senders: ${other} and ${s.name} have the same token; give each sender its own`]);
      seen.set(s.digest.toString('hex'), s.name);
    }
  }

  /** Whether senders are configured (then every intake route needs a token). */
  get enabled(): boolean {
    return this.senders.length > 0;
  }

  /** The sender named `name` (`fix.sessions[].sender`), or undefined. */
  byName(name: string): Sender | undefined {
    return this.senders.find((s) => s.name === name);
  }

  /**
   * The sender of `req`: the one its verified client certificate names (mutual TLS), else the one
   * whose token it carries; throws GatewayError `unauthenticated` (401) when there is none.
   */
  authenticate(req: Pick<IncomingMessage, 'headers' | 'method' | 'url' | 'socket'>): Sender {
    const names = certificateNames(req.socket as Partial<TLSSocket>);
    let found = names.length > 0 ? this.senders.find((s) => s.clientCertificate !== undefined && names.includes(s.clientCertificate)) : undefined;
    if (found) return found;
    const token = bearerToken(req);
    if (token !== undefined) {
      const digest = tokenDigest(token);
      for (const s of this.senders) if (s.digest && digestsEqual(digest, s.digest) && !found) found = s;
    }
    if (found) return found;
    this.refused++;
    const key = token !== undefined ? 'wrong_token' : req.headers.authorization ? 'malformed_authorization' : 'no_token';
    this.refusedBy[key]++;
    this.deps.log.warn({ method: req.method, url: req.url, remote: req.socket.remoteAddress, reason: REFUSAL_TEXT[key] }, 'sender not authenticated');
    throw new GatewayError('unauthenticated', token === undefined ? 'this route needs Authorization: Bearer <token> (a sender token of auth.senders)' : 'unknown sender token');
  }

  /**
   * `authenticate`, then the sender's connection limit; a refusal from an address that keeps failing
   * is answered late (auth.failureDelay), which slows down guessing without holding a thread.
   * Throws GatewayError `unauthenticated` or `too_many_connections`.
   */
  async admit(req: Pick<IncomingMessage, 'headers' | 'method' | 'url' | 'socket'>): Promise<Sender> {
    const address = req.socket.remoteAddress ?? 'unknown';
    let sender: Sender;
    try {
      sender = this.authenticate(req);
    } catch (err) {
      const delayMs = this.throttle.failed(address);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      throw err;
    }
    this.throttle.succeeded(address);
    sender.limits?.admitConnection(req.socket);
    return sender;
  }

  health(): Record<string, unknown> {
    return {
      senders: this.senders.length,
      failedAuthentications: this.refused,
      failuresByReason: { ...this.refusedBy },
      addressesFailing: this.throttle.size,
      perSender: Object.fromEntries(this.senders.map((s) => [s.name, s.limits.health()])),
    };
  }
}

/**
 * The names a verified client certificate carries: its subject CN and its subjectAltName values
 * (`DNS:a, URI:b, email:c, IP Address:d`, RFC 5280 section 4.2.1.6). None without TLS or a verified certificate.
 */
function certificateNames(socket: Partial<TLSSocket>): string[] {
  if (!socket.encrypted || !socket.authorized || !socket.getPeerCertificate) return [];
  const cert = socket.getPeerCertificate();
  const cn = cert.subject?.CN;
  const san = (cert.subjectaltname ?? '').split(', ').map((e) => e.slice(e.indexOf(':') + 1)).filter(Boolean);
  return [...(Array.isArray(cn) ? cn : cn ? [cn] : []), ...san];
}

/** Pure: the error for an event whose `source` its sender may not use, or undefined. */
export function sourceNotAllowed(sender: Pick<Sender, 'name' | 'sources'>, source: string): FieldError | undefined {
  if (sender.sources.has(source)) return undefined;
  return {
    path: '$.source',
    code: 'source_not_allowed',
    message: `sender '${sender.name}' may not send as source '${source}'; it may use: ${[...sender.sources].join(', ')}`,
  };
}
