import { z } from 'zod';

/**
 * One sender: a system allowed to post events, the credential it proves itself with, and the
 * `source` values its events may carry. The token is never in the config in clear: either a file
 * holding it (read once at start-up; systemd `LoadCredential=` works) or its SHA-256 digest.
 */
export const SenderConfigSchema = z
  .strictObject({
    /** Recorded with each of its events (Kafka record header `sender`). */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 characters of A-Z a-z 0-9 . _ -' }),
    /** File holding the bearer token; must not be readable by others. */
    tokenFile: z.string().min(1).optional(),
    /** SHA-256 of the bearer token's UTF-8 bytes, 64 hex digits (e.g. `printf %s "$TOKEN" | sha256sum`). */
    tokenSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { message: 'must be 64 hex digits (SHA-256 of the token)' }).optional(),
    /**
     * Mutual TLS instead of (or besides) a token: the subject CN or a subjectAltName value (DNS name,
     * URI, e-mail, IP) of a client certificate that `http.tls.clientCaFile` verified, e.g. `oms-1.trading.example`.
     */
    clientCertificate: z.string().min(1).max(256).optional(),
    /** The `source` values this sender's events may carry; an event with another is rejected (`source_not_allowed`). */
    sources: z.array(z.string().min(1).max(128)).min(1),
    /** Most connections this sender may hold open at once; one more is answered 429 `too_many_connections` and closed. Unset: no limit. */
    maxConnections: z.number().int().positive().optional(),
    /** Events per second this sender may post (token bucket); beyond it 429 `rate_limited` with `Retry-After`. Unset: no limit. */
    eventsPerSecond: z.number().positive().optional(),
    /** Events the bucket holds (a burst); default `eventsPerSecond`. */
    burstEvents: z.number().int().positive().optional(),
  })
  .refine((s) => !(s.tokenFile !== undefined && s.tokenSha256 !== undefined), { message: 'give one of tokenFile or tokenSha256, not both' })
  .refine((s) => s.tokenFile !== undefined || s.tokenSha256 !== undefined || s.clientCertificate !== undefined, {
    message: 'give a credential: tokenFile or tokenSha256 (a token is never written in the config in clear), or clientCertificate',
  });
export type SenderConfig = z.infer<typeof SenderConfigSchema>;

/** The `auth` section: who may send. Empty `senders`: intake is open, and must then listen on loopback only. */
export const AuthConfigSchema = z.strictObject({
  /** Repeated failed authentications from one address are answered ever later (see failure-throttle.ts). */
  failureDelay: z
    .strictObject({
      /** Failures within `windowMs` answered at once; each further one waits 100 ms, doubling. */
      afterFailures: z.number().int().nonnegative().default(5),
      /** Longest wait before a refusal is answered (ms). */
      maxDelayMs: z.number().int().nonnegative().default(2_000),
      /** Failures older than this (ms) are forgotten. */
      windowMs: z.number().int().positive().default(60_000),
    })
    .prefault({}),
  senders: z
    .array(SenderConfigSchema)
    .default([])
    .refine((list) => new Set(list.map((s) => s.name)).size === list.length, { message: 'sender names must be unique' })
    .refine((list) => { const c = list.flatMap((s) => s.clientCertificate ?? []); return new Set(c).size === c.length; }, { message: 'a clientCertificate name must belong to one sender' }),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/** True for a host that only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/**
 * The rule that keeps intake from being opened to the network by accident: a `listen` address
 * other than loopback needs a way to tell senders apart (`auth.senders`, or mutual TLS). Returns
 * the problem, or undefined.
 */
export function openListenProblem(listen: string, authenticated: boolean): string | undefined {
  const host = listen.slice(0, listen.lastIndexOf(':'));
  if (authenticated || isLoopbackHost(host)) return undefined;
  return `${listen} is not a loopback address: configure auth.senders (or mutual TLS) before opening intake to the network`;
}
