import { z } from 'zod';
import { TlsConfigSchema } from '../sources/http/tls-config.js';

/**
 * The `admin` section: the operators' listener, apart from intake so ingest traffic cannot starve
 * it. `listen` is `host:port` (loopback by default) or the path of a Unix socket (any value with a
 * `/`, e.g. `/run/edge-gateway/admin.sock`; relative to the working directory when relative).
 */
export const AdminConfigSchema = z.strictObject({
  listen: z
    .string()
    .refine((v) => v.includes('/') || /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/.test(v), {
      message: 'must be host:port (e.g. 127.0.0.1:8081) or a Unix socket path containing a /',
    })
    .default('127.0.0.1:8081'),
  /**
   * File holding the bearer token that mutating admin routes (re-drive, replay, intake pause and
   * resume) require; read once at start-up, surrounding whitespace ignored (systemd
   * `LoadCredential=`: `${CREDENTIALS_DIRECTORY}/admin-token`). Unset: those routes are refused (403).
   */
  tokenFile: z.string().min(1).optional(),
  /** Unset: plain HTTP. Set: HTTPS, TLS 1.2+; with `clientCaFile`, operators need a client certificate too. Not for a Unix socket. */
  tls: TlsConfigSchema.optional(),
  replay: z
    .strictObject({
      /** Most events one replay may select: a larger selection is refused (413 `replay_too_large`); narrow it. */
      maxEvents: z.number().int().positive().default(100_000),
    })
    .prefault({}),
}).refine((c) => !(c.tls && isSocketPath(c.listen)), { path: ['tls'], message: 'TLS is for a host:port listener; a Unix socket is guarded by its file mode' });
export type AdminConfig = z.infer<typeof AdminConfigSchema>;

/** Whether `listen` names a Unix socket rather than host:port. */
export function isSocketPath(listen: string): boolean {
  return listen.includes('/');
}
