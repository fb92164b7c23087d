import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { ComponentHealth, StopOutcome } from './component.js';

/** The part of unix-dgram used here (it has no type declarations). */
interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, callback?: (err?: Error) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

/** How often the ready status line is refreshed (ms), for `systemctl status`. */
const STATUS_EVERY_MS = 5000;

/**
 * The systemd notify protocol (sd_notify(3)): datagrams of `KEY=value` lines to the unix socket in
 * `NOTIFY_SOCKET`. `READY=1` once started (the WAL open, the listeners up: it is the last component
 * started), `STOPPING=1` as the drain begins (the first stopped), `STATUS=` lines throughout, and
 * `WATCHDOG=1` every half `WATCHDOG_USEC` from a timer on the event loop itself, so a blocked loop
 * misses the watchdog and systemd restarts the gateway (`WatchdogSec=`). Without `NOTIFY_SOCKET`
 * (not under systemd, or `Type=simple`) every call does nothing. Node has no unix datagram
 * sockets: unix-dgram (a small native addon) sends them. Abstract socket names (`@...`) are not
 * supported by it: systemd's own socket is a path (/run/systemd/notify).
 */
export class SystemdNotifier {
  readonly name = 'systemd';
  private watchdog: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private sent = 0;
  private failures = 0;

  private constructor(
    private readonly socket: DgramSocket | undefined,
    private readonly path: string,
    private readonly watchdogUsec: number | undefined,
    private readonly deps: { log: Logger; status: () => string },
  ) {}

  /** From the environment systemd sets: NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (sd_watchdog_enabled(3)). */
  static fromEnv(env: NodeJS.ProcessEnv, deps: { log: Logger; status: () => string }): SystemdNotifier {
    const path = env.NOTIFY_SOCKET ?? '';
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === process.pid;
    const watchdogUsec = Number.isInteger(usec) && usec > 0 && forUs ? usec : undefined;
    if (path === '') return new SystemdNotifier(undefined, path, undefined, deps);
    if (!path.startsWith('/')) {
      deps.log.warn({ notifySocket: path }, 'NOTIFY_SOCKET is not a path (abstract sockets are not supported): systemd is not notified');
      return new SystemdNotifier(undefined, path, undefined, deps);
    }
    // Loaded only under systemd: the native addon is needed nowhere else.
    const dgram = createRequire(import.meta.url)('unix-dgram') as { createSocket(type: 'unix_dgram'): DgramSocket };
    const socket = dgram.createSocket('unix_dgram');
    socket.on('error', (err) => deps.log.warn({ err: err.message }, 'systemd notify failed'));
    return new SystemdNotifier(socket, path, watchdogUsec, deps);
  }

  /** Sends `STATUS=text` (e.g. what start-up is doing). */
  status(text: string): void {
    this.send(`STATUS=${text}`);
  }

  /** Ready: tells systemd, then keeps the watchdog and the status line going. */
  start(): void {
    if (!this.socket) return;
    this.send(`READY=1\nSTATUS=${this.deps.status()}\nMAINPID=${process.pid}`);
    if (this.watchdogUsec !== undefined) {
      const every = Math.max(1, Math.floor(this.watchdogUsec / 2000));
      this.watchdog = setInterval(() => this.send('WATCHDOG=1'), every);
      this.watchdog.unref();
    }
    this.statusTimer = setInterval(() => this.send(`STATUS=${this.deps.status()}`), STATUS_EVERY_MS);
    this.statusTimer.unref();
  }

  /**
   * The drain begins: `STOPPING=1`. The watchdog keeps pinging while the drain runs (systemd's
   * TimeoutStopSec bounds it); the socket is closed at exit.
   */
  async stop(): Promise<StopOutcome> {
    clearInterval(this.statusTimer);
    this.send('STOPPING=1\nSTATUS=draining: finishing requests and Kafka deliveries');
    return 'clean';
  }

  health(): ComponentHealth {
    return { notify: this.socket !== undefined, watchdogMs: this.watchdogUsec === undefined ? null : this.watchdogUsec / 1000, sent: this.sent, failures: this.failures };
  }

  private send(message: string): void {
    if (!this.socket) return;
    const buf = Buffer.from(message);
    this.socket.send(buf, 0, buf.length, this.path, (err) => {
      if (err) this.failures++;
      else this.sent++;
    });
  }
}
