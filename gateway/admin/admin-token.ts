import type { IncomingMessage } from 'node:http';
import { bearerToken, digestsEqual, tokenDigest } from '../auth/bearer-token.js';
import { GatewayError } from '../errors.js';

/**
 * The bearer token of mutating admin routes (RFC 6750 section 2.1: `Authorization: Bearer <token>`).
 * Compared as SHA-256 digests with `timingSafeEqual`, so neither the token's bytes nor its length
 * show in the time a refusal takes.
 */
export class AdminToken {
  private readonly digest: Buffer | undefined;

  /** `token` undefined: no token configured, every mutating call is refused. An empty token is refused by the caller. */
  constructor(token: string | undefined) {
    this.digest = token === undefined ? undefined : tokenDigest(token);
  }

  get configured(): boolean {
    return this.digest !== undefined;
  }

  /**
   * Returns when `req` carries the token; throws GatewayError `admin_token_not_configured` (none
   * configured) or `unauthorized` (missing, malformed or wrong).
   */
  check(req: Pick<IncomingMessage, 'headers'>): void {
    if (!this.digest) {
      throw new GatewayError('admin_token_not_configured', 'mutating admin routes are disabled: set admin.tokenFile to enable them');
    }
    const token = bearerToken(req);
    if (token === undefined) throw new GatewayError('unauthorized', 'this route needs Authorization: Bearer <token> (the token in admin.tokenFile)');
    if (!digestsEqual(tokenDigest(token), this.digest)) throw new GatewayError('unauthorized', 'wrong admin token');
  }
}
