import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { readSecretFile } from '../auth/secret-file.js';
import { hasCode } from '../errors.js';
import { stopOnce, untilDeadline, type ComponentHealth, type StopOutcome } from '../lifecycle/component.js';
import { sendError, statusOf } from '../sources/http/respond.js';
import { dispatch, type Route } from '../sources/http/router.js';
import { TlsCredentials } from '../sources/http/tls-credentials.js';
import { isSocketPath, type AdminConfig } from './admin-config.js';
import { AdminToken } from './admin-token.js';

/** Where the admin listener listens: a TCP address, or a Unix socket path. */
export type AdminAddress = AddressInfo | { socket: string };

/**
 * The operators' listener: its own server, apart from intake, so a flood of events cannot starve
 * health, dead-letter, replay or metrics calls. GETs are open (read-only); every other method
 * mutates and needs the bearer token (`AdminToken`): a refusal is answered 401 (403 with no token
 * configured), logged, and changes nothing because no route runs.
 */
export class AdminListener {
  readonly name = 'admin';
  private readonly server: Server;
  private readonly token: AdminToken;
  /** With `admin.tls`: the certificate and key, reloaded on SIGHUP. */
  readonly tls: TlsCredentials | undefined;
  private readonly routes: readonly Route[];
  private addressInfo: AdminAddress | undefined;
  private refused = 0;
  readonly stop: (deadline: number) => Promise<StopOutcome>;

  /** Reads `config.tokenFile`; throws ConfigError when it cannot be read, is readable by others, or is empty. */
  constructor(
    private readonly config: AdminConfig,
    private readonly deps: { routes: readonly Route[]; log: Logger },
  ) {
    this.token = new AdminToken(config.tokenFile === undefined ? undefined : readSecretFile('admin.tokenFile', config.tokenFile));
    // Every route that is not a GET mutates: it runs only after the token check (an unknown path or
    // a wrong method is still 404 or 405, whoever asks).
    this.routes = deps.routes.map((r) =>
      r.method === 'GET' ? r : { ...r, handle: (req, res, params) => (this.authorize(req), r.handle(req, res, params)) },
    );
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.tls = config.tls && new TlsCredentials('admin.tls', config.tls);
    this.server = this.tls ? createTlsServer({ keepAliveTimeout: 5_000, ...this.tls.serverOptions() }, handler) : createServer({ keepAliveTimeout: 5_000 }, handler);
    this.stop = stopOnce((deadline) => this.close(deadline), (err) => deps.log.error({ err }, 'admin listener failed to stop'));
  }

  /** Listens; rejects (e.g. EADDRINUSE) when it cannot. A stale socket file of an earlier run is replaced. */
  async start(): Promise<void> {
    const { listen } = this.config;
    const socket = isSocketPath(listen);
    if (socket) await removeStaleSocket(listen);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      const done = () => {
        this.server.off('error', reject);
        resolve();
      };
      if (socket) this.server.listen(listen, done);
      else {
        const i = listen.lastIndexOf(':');
        this.server.listen(Number(listen.slice(i + 1)), listen.slice(0, i).replace(/^\[|\]$/g, ''), done);
      }
    });
    if (socket) chmodSync(listen, 0o660); // the service's user and group only
    this.addressInfo = socket ? { socket: listen } : (this.server.address() as AddressInfo);
    if (!this.token.configured) this.deps.log.warn('admin.tokenFile is not set: mutating admin routes (re-drive, replay, intake pause/resume) are refused');
  }

  get address(): AdminAddress | undefined {
    return this.addressInfo;
  }

  health(): ComponentHealth {
    return {
      listen: this.config.listen,
      tokenConfigured: this.token.configured,
      refusedCalls: this.refused,
      ...(this.tls ? { tls: { certificateDaysLeft: this.tls.daysLeft(), clientCertificates: this.tls.mutual ? 'required' : 'none' } } : {}),
    };
  }

  /** Reads the TLS files again and serves them to new connections. Throws ConfigError and keeps the old ones. */
  reloadCertificates(): void {
    if (this.tls) (this.server as TlsServer).setSecureContext(this.tls.reload());
  }

  private async close(deadline: number): Promise<StopOutcome> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timedOut = await Promise.race([closed.then(() => false as const), untilDeadline(deadline)]);
    this.server.closeAllConnections();
    await closed;
    return timedOut ? 'forced' : 'clean';
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    dispatch(this.routes, req, res).catch((err) => {
      const status = statusOf(err);
      if (status >= 500 && status !== 503) this.deps.log.error({ err, url: req.url }, 'admin request failed');
      if (!res.headersSent) sendError(res, err);
    });
  }

  private authorize(req: IncomingMessage): void {
    try {
      this.token.check(req);
    } catch (err) {
      this.refused++;
      const reason = hasCode(err, 'admin_token_not_configured') ? 'no token configured' : req.headers.authorization ? 'wrong token' : 'no token';
      this.deps.log.warn({ method: req.method, url: req.url, remote: req.socket.remoteAddress ?? 'unix socket', reason }, 'admin call refused');
      throw err;
    }
  }
}

/**
 * Removes a socket file left by a process that is gone; throws when a process still answers on it
 * (another gateway on the same path), rather than taking its socket away.
 */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    if (!lstatSync(path).isSocket()) return; // not a socket: listen() reports EADDRINUSE
  } catch {
    return; // not there
  }
  const inUse = await new Promise<boolean>((resolve) => {
    const probe = connect(path, () => {
      probe.destroy();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
  });
  if (inUse) throw new Error(`admin.listen: another process listens on ${path}`);
  unlinkSync(path);
}
