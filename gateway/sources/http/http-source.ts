import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { GatewayError } from '../../errors.js';
import { stopOnce, untilDeadline, type ComponentHealth, type StopOutcome } from '../../lifecycle/component.js';
import type { HttpConfig } from './http-config.js';
import { TlsCredentials } from './tls-credentials.js';
import { answerClientError } from './client-error.js';
import { sendError, statusOf } from './respond.js';
import { dispatch, type Route } from './router.js';

/**
 * The HTTP listener on node:http: serves the routes it is given (intake, health, dead letters) and
 * owns the listener's lifecycle. While stopping it takes no new work (POST answers 503
 * `shutting_down`), still answers GETs (readiness says not ready), and waits for the requests in
 * progress up to the deadline.
 */
export class HttpSource {
  readonly name = 'http';
  private readonly server: Server;
  /** With `http.tls`: the certificate and key, reloaded on SIGHUP. */
  readonly tls: TlsCredentials | undefined;
  private inFlight = 0;
  private refusedHandshakes = 0;
  /** The last request started on each connection (see `handle`). */
  private readonly lastOnSocket = new WeakMap<Duplex, Promise<void>>();
  private stopping = false;
  private idle: (() => void) | undefined;
  private addressInfo: AddressInfo | undefined;
  readonly stop: (deadline: number) => Promise<StopOutcome>;

  constructor(
    private readonly config: HttpConfig,
    private readonly deps: { routes: readonly Route[]; log: Logger },
  ) {
    const options = {
      keepAliveTimeout: 65_000,
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // How often Node checks those timeouts (its default, 30 s, would stretch them by as much).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.tls = config.tls && new TlsCredentials('http.tls', config.tls);
    this.server = this.tls ? createTlsServer({ ...options, ...this.tls.serverOptions() }, handler) : createServer(options, handler);
    // A refused handshake (no client certificate, one of another CA, an old protocol) never reaches a route: count and log it here.
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: { remoteAddress?: string }) => {
      this.refusedHandshakes++;
      deps.log.warn({ remote: socket.remoteAddress, reason: err.code ?? err.message }, 'TLS handshake refused');
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));
    this.stop = stopOnce((deadline) => this.close(deadline), (err) => deps.log.error({ err }, 'http source failed to stop'));
  }

  /** Listens (then `address` is the bound address). Rejects (e.g. EADDRINUSE) when it cannot. */
  async start(): Promise<void> {
    const i = this.config.listen.lastIndexOf(':');
    const host = this.config.listen.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(this.config.listen.slice(i + 1));
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.addressInfo = this.server.address() as AddressInfo;
  }

  get address(): AddressInfo | undefined {
    return this.addressInfo;
  }

  health(): ComponentHealth {
    return {
      ready: !this.stopping,
      stopping: this.stopping,
      inFlightRequests: this.inFlight,
      ...(this.tls ? { tls: { certificateDaysLeft: this.tls.daysLeft(), clientCertificates: this.tls.mutual ? 'required' : 'none', refusedHandshakes: this.refusedHandshakes } } : {}),
    };
  }

  /** Reads the TLS files again and serves them to new connections (open ones keep theirs). Throws ConfigError and keeps the old ones. */
  reloadCertificates(): void {
    if (this.tls) (this.server as TlsServer).setSecureContext(this.tls.reload());
  }

  /** No new connections; waits (up to the deadline) for requests in progress, whose events are then committed. */
  private async close(deadline: number): Promise<StopOutcome> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let outcome: StopOutcome = 'clean';
    if (this.inFlight > 0) {
      const timedOut = await Promise.race([new Promise<false>((resolve) => (this.idle = () => resolve(false))), untilDeadline(deadline)]);
      if (timedOut) outcome = 'forced';
    }
    this.server.closeAllConnections();
    await closed;
    return outcome;
  }

  /**
   * Requests on one connection run one after another: with pipelining Node would start the next
   * before the previous has answered, and a GET could then report a status older than the 202
   * that precedes its answer on the wire.
   */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    const socket = req.socket;
    const previous = this.lastOnSocket.get(socket);
    const run = previous ? previous.then(() => this.serve(req, res)) : this.serve(req, res);
    this.lastOnSocket.set(socket, run);
    void run.finally(() => {
      if (this.lastOnSocket.get(socket) === run) this.lastOnSocket.delete(socket);
      if (--this.inFlight === 0 && this.idle) this.idle();
    });
  }

  private serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.stopping) res.setHeader('connection', 'close');
    const work =
      this.stopping && req.method !== 'GET'
        ? Promise.reject(new GatewayError('shutting_down', 'the gateway is shutting down; retry against another instance or later'))
        : dispatch(this.deps.routes, req, res);
    return work
      .catch((err) => {
        const status = statusOf(err);
        if (status >= 500 && status !== 503) this.deps.log.error({ err, url: req.url }, 'request failed');
        if (status === 413 || status === 401 || status === 429) {
          // A body we refused (too large, from no known sender, over the sender's limits): discard the rest and close rather than read it into memory.
          res.shouldKeepAlive = false;
          req.resume();
        }
        if (!res.headersSent) sendError(res, err);
      });
  }
}
