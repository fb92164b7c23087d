import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { Sender } from '../../auth/sender-registry.js';
import { ConfigError } from '../../errors.js';
import type { Ingest } from '../../pipeline/ingest.js';
import { stopOnce, untilDeadline, type ComponentHealth, type StopOutcome } from '../../lifecycle/component.js';
import type { Wal } from '../../wal/wal.js';
import type { FixConfig } from './fix-config.js';
import { FixConnection } from './fix-connection.js';
import { TlsCredentials } from '../http/tls-credentials.js';
import { userFieldsOf } from './mapping/trade-mapping.js';
import { SessionStore } from './session/session-store.js';
import type { SessionSettings } from './session/session-types.js';

/**
 * The FIX 4.4 acceptor: a TCP (or, with `fix.tls`, TLS) listener whose connections each become a FixConnection once their
 * first message names a configured session. It owns the session store (tables in the WAL file), the
 * one timer that drives heartbeats, and the shutdown Logout.
 */
export class FixAcceptor {
  readonly name = 'fix';
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly connections = new Set<FixConnection>();
  private readonly live = new Map<string, FixConnection>();
  private readonly settings = new Map<string, SessionSettings>();
  private readonly allowed = new Map<string, ReadonlySet<string>>();
  /** The sender each bound session's events are submitted as (`fix.sessions[].sender`). */
  private readonly senders = new Map<string, Sender>();
  private readonly store: SessionStore;
  private stopping = false;
  private refusedHandshakes = 0;
  /** Connections closed at their first message: unknown CompIDs, an address not allowed, a session already logged on. */
  private refusedLogons = 0;
  /** With `fix.tls`: the certificate and key, reloaded on SIGHUP. */
  readonly tls: TlsCredentials | undefined;

  constructor(
    private readonly config: FixConfig,
    private readonly deps: { log: Logger; wal: Pick<Wal, 'companion'>; ingest: Pick<Ingest, 'submit'>; admitting: () => boolean; now?: () => number; senders?: { byName(name: string): Sender | undefined } },
  ) {
    this.tls = config.tls && new TlsCredentials('fix.tls', config.tls);
    this.store = deps.wal.companion((db) => new SessionStore(db, { keepOutboundMessages: config.keepOutboundMessages }));
    const userFields = userFieldsOf(config.mapping);
    for (const s of config.sessions) {
      const key = sessionKey(s.senderCompId, s.targetCompId);
      this.settings.set(key, { ...s, logonTimeoutS: config.logonTimeoutS, logoutTimeoutS: config.logoutTimeoutS, maxQueuedMessages: config.maxQueuedMessages, userFields });
      this.allowed.set(key, new Set(s.allowedAddresses.map(normalise)));
    }
    config.sessions.forEach((s, i) => {
      if (s.sender === undefined) return;
      const sender = deps.senders?.byName(s.sender);
      if (!sender) throw new ConfigError([`fix.sessions[${i}].sender: no sender '${s.sender}' in auth.senders`]);
      this.senders.set(sessionKey(s.senderCompId, s.targetCompId), sender);
    });
  }

  /** The bound address, once started with a non-empty `listen`. */
  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async start(): Promise<void> {
    if (!this.config.listen) return;
    for (const key of this.settings.keys()) this.store.prune(key, this.store.load(key).nextSenderSeq);
    const at = this.config.listen.lastIndexOf(':');
    const host = this.config.listen.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(this.config.listen.slice(at + 1));
    // Over TLS a connection becomes a FixConnection once its handshake is done ('secureConnection').
    const server = this.tls ? createTlsServer(this.tls.serverOptions(), (socket) => this.accept(socket)) : createServer((socket) => this.accept(socket));
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      this.refusedHandshakes++;
      this.deps.log.warn({ remote: socket.remoteAddress, reason: err.code ?? err.message }, 'FIX TLS handshake refused');
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => (server.off('error', reject), resolve()));
    });
    this.timer = setInterval(() => {
      for (const c of this.connections) c.tick();
    }, 1000);
    this.timer.unref();
    const a = this.address!;
    this.deps.log.info({ address: a.address, port: a.port, sessions: [...this.settings.keys()] }, 'FIX acceptor listening');
  }

  /** Sends Logout on every session and waits for the counterparties' Logout (or the deadline), then closes. */
  readonly stop = stopOnce(async (deadline: number): Promise<StopOutcome> => {
    this.stopping = true;
    this.server?.close();
    for (const c of this.connections) c.logout('gateway shutting down');
    const all = Promise.all([...this.connections].map((c) => c.done)).then(() => false);
    const late = await Promise.race([all, untilDeadline(deadline)]);
    for (const c of this.connections) c.destroy();
    if (this.timer) clearInterval(this.timer);
    return late ? 'forced' : 'clean';
  }, (err) => this.deps.log.error({ err }, 'FIX acceptor stop failed'));

  health(): ComponentHealth {
    const sessions = [...this.settings.keys()].map((key) => {
      const c = this.live.get(key);
      // Read only: health is polled often, and needs no row written.
      const seqs = c?.session?.seqNums ?? this.store.peek(key);
      return { session: key, state: c?.session?.status ?? 'disconnected', ...seqs, ...(c?.session ? { heartBtIntS: c.session.heartBtIntS } : {}) };
    });
    const tls = this.tls ? { tls: { certificateDaysLeft: this.tls.daysLeft(), clientCertificates: this.tls.mutual ? 'required' : 'none', refusedHandshakes: this.refusedHandshakes } } : {};
    return { listen: this.address ? `${this.address.address}:${this.address.port}` : null, connections: this.connections.size, refusedLogons: this.refusedLogons, sessions, ...tls };
  }

  /** Reads the TLS files again and serves them to new connections (open sessions keep theirs). Throws ConfigError and keeps the old ones. */
  reloadCertificates(): void {
    if (this.tls && this.server) (this.server as TlsServer).setSecureContext(this.tls.reload());
  }

  private accept(socket: Socket): void {
    if (this.stopping) return void socket.destroy();
    const c: FixConnection = new FixConnection(socket, {
      log: this.deps.log,
      store: this.store,
      ingest: this.deps.ingest,
      mapping: this.config.mapping,
      admitting: this.deps.admitting,
      now: this.deps.now ?? Date.now,
      maxMessageBytes: this.config.maxMessageBytes,
      maxQueued: this.config.maxQueuedMessages,
      resolve: (ours, theirs, address) => {
        const key = sessionKey(ours, theirs);
        const settings = this.settings.get(key);
        if (!settings) return this.refuse(`unknown CompIDs ${theirs} -> ${ours}`);
        if (!this.allowed.get(key)!.has(normalise(address))) return this.refuse(`address ${address} not allowed for ${key}`);
        const sender = this.senders.get(key);
        return { settings, key, ...(sender ? { sender } : {}) };
      },
      claim: (key, conn) => {
        const holder = this.live.get(key);
        if (holder && holder !== conn) return (this.refusedLogons++, false);
        this.live.set(key, conn);
        return true;
      },
      release: (key, conn) => {
        if (this.live.get(key) === conn) this.live.delete(key);
      },
    });
    this.connections.add(c);
    void c.done.then(() => this.connections.delete(c));
  }

  private refuse(why: string): { refused: string } {
    this.refusedLogons++;
    return { refused: why };
  }
}

/** `GATEWAY->OMS1`: our CompID, then the counterparty's. */
export function sessionKey(senderCompId: string, targetCompId: string): string {
  return `${senderCompId}->${targetCompId}`;
}

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) as plain IPv4. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
