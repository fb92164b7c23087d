import { z } from 'zod';
import { TlsConfigSchema } from './tls-config.js';

/** The `http` section: the intake listener and its limits. */
export const HttpConfigSchema = z.strictObject({
  /** host:port; loopback by default. Port 0 picks a free port (logged at start). */
  listen: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/, { message: 'must be host:port, e.g. 127.0.0.1:8080' })
    .default('127.0.0.1:8080'),
  /** Largest request body, in bytes: larger ones get 413 `body_too_large`. */
  maxBodyBytes: z.number().int().positive().default(4 * 1024 * 1024),
  /** Most events in one request: more get 413 `too_many_events`. */
  maxEventsPerRequest: z.number().int().positive().default(10_000),
  /** Deepest nesting of one event (the event object is level 1): deeper events are rejected alone (`too_deep`). */
  maxJsonDepth: z.number().int().min(2).max(10_000).default(64),
  /** A request's headers must arrive within this time (ms) of its first byte, else 408 `request_timeout`. */
  headersTimeoutMs: z.number().int().positive().default(10_000),
  /** A whole request (headers and body) must arrive within this time (ms), else 408 `request_timeout`. */
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /**
   * Worker threads that parse, validate, enrich and route request bodies (see request-pool.ts);
   * with 2 or more, one of them takes only bodies over `largeRequestBytes`. 0: on the event loop,
   * which then holds a large request's validation (~25 us an event) between other work.
   */
  workerThreads: z.number().int().min(0).max(64).default(2),
  /** Bodies over this size (characters of the decoded body: bytes for ASCII) are validated on the large-request thread. */
  largeRequestBytes: z.number().int().positive().default(256 * 1024),
  /**
   * The large-request thread starts with the first large body and ends after this long (ms) without
   * one: an idle thread's V8 heap costs ~30 MB of RSS, and bulk requests can wait for a thread to start.
   */
  largeRequestThreadIdleMs: z.number().int().positive().default(30_000),
  /**
   * Per lane, body characters (bytes for ASCII) of the requests waiting for or on an intake thread,
   * at most: a request that would pass it is answered 503 `intake_busy` with `Retry-After: 1`,
   * unless its lane holds nothing (a request alone larger is taken).
   */
  maxQueuedBodyBytes: z.number().int().positive().default(64 * 1024 * 1024),
  /** Unset: plain HTTP (loopback only, unless auth.senders). Set: HTTPS, TLS 1.2+ (see tls-config.ts). */
  tls: TlsConfigSchema.optional(),
}).refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, {
  path: ['headersTimeoutMs'],
  message: 'must not exceed http.requestTimeoutMs',
});
export type HttpConfig = z.infer<typeof HttpConfigSchema>;
