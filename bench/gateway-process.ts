import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { procStats, type ProcStats } from './proc-stats.js';
import { waitFor, type WaitOptions } from './wait-for.js';

export interface GatewayOptions {
  /** Node flags, e.g. `--cpu-prof` for profiling. */
  nodeArgs?: readonly string[];
  /** Arguments to the gateway, e.g. `['--config', file]`. */
  args?: readonly string[];
  /** The gateway's `cli.js`; default this build's. */
  cli?: string;
  /** Also append every stdout line (the gateway's JSON log) to this file, e.g. to read its statistics lines after a run. */
  logFile?: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The body of GET /health/ready, one section per component. */
export interface ReadyReport {
  status: string;
  gatewayId: string;
  wal: { path: string; lastSeq: number; usedBytes: number };
  delivery: { deliveredCursor: number; savedCursor: number; pendingEvents: number; oldestPendingAgeMs: number | null };
  retention: { periodMs: number; prunedEvents: number; earlyPrunedEvents: number };
  budget: {
    intake: 'open' | 'paused';
    pausedBy?: string;
    pendingEvents: number;
    maxPendingEvents: number;
    usedBytesAtCheck: number;
    maxBytes: number;
    resumeBelow: { pendingEvents: number; usedBytes: number };
    pauses: number;
    resumes: number;
    pendingAgeMsAtCheck: number;
    drainMs: number;
    forwardRatePerSec: number;
    maxPendingAgeMs: number;
  };
  deadLetters: { open: number };
  forwarder: {
    breaker: { state: 'closed' | 'open' | 'half-open'; opened: number; halfOpened: number; closed: number };
    inFlight: number;
    reconciling: boolean;
    readBacks: number;
    recoveredByReadBack: number;
    deadLettered: number;
    /** Dead letters copied to the dead-letter topic (sent after their events are finished, best effort). */
    deadLetterCopies: number;
    lastError?: string;
  };
  kafka: { bus: 'embedded' | 'external'; bootstrap: string; connected: boolean; lastError?: string; lastErrorAt?: string; problem?: string; warning?: string };
  intake: { state: 'open' | 'paused'; pausedAt?: string };
  problems?: string[];
  commit: Record<string, unknown>;
  http: { inFlightRequests: number; stopping: boolean };
  eventLoop: { delayMs: { windowMs: number; p50Ms: number; p99Ms: number; maxMs: number; worstMs: number; worstAt: string | null } };
}

/** Children still running, killed if this process exits first (so none outlives a failed test or bench). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * The compiled gateway (`dist/gateway/cli.js`, `npm run build` first), run as its own process
 * exactly as in production, configured through EDGE_GATEWAY_* variables, on a port the OS picks.
 * Keeps every log line (few at the default info level) and stderr, to assert on and to explain an
 * unexpected exit.
 */
export class GatewayProcess {
  readonly child: ChildProcess;
  /** Every JSON line of stdout, parsed; other lines as `{ raw }`. */
  readonly logs: Array<Record<string, unknown>> = [];
  readonly stderr: string[] = [];
  url = '';
  /** The admin listener, `http://127.0.0.1:<port>` (or `unix:<path>` when configured so). */
  adminUrl = '';
  bootstrap = '';
  /** Epoch ms of the listening line (the one with `port` and `bootstrap`). */
  listeningAt = 0;
  private exit: Exit | undefined;
  private readonly exited: Promise<Exit>;

  /** Spawns the gateway without waiting for it to listen (for a test that expects it to exit). */
  constructor(env: Record<string, string>, options: GatewayOptions = {}) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.cli ?? gatewayCli(), ...(options.args ?? [])], {
      env: { PATH: process.env.PATH, EDGE_GATEWAY_HTTP_LISTEN: '127.0.0.1:0', EDGE_GATEWAY_ADMIN_LISTEN: '127.0.0.1:0', EDGE_GATEWAY_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    const logFile = options.logFile;
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (logFile) appendFileSync(logFile, `${line}\n`);
      this.onLog(line);
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    // 'close', not 'exit': every line the child wrote has been read by then.
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        running.delete(this.child);
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /** Starts the gateway and resolves once it listens; rejects at once if it exits first. */
  static async start(env: Record<string, string>, options: GatewayOptions = {}): Promise<GatewayProcess> {
    const g = new GatewayProcess(env, options);
    try {
      await g.waitFor('the gateway to listen', () => g.url !== '', { timeoutMs: 60_000, everyMs: 10 });
    } catch (err) {
      await g.kill();
      throw err;
    }
    return g;
  }

  get pid(): number {
    return this.child.pid!;
  }

  stats(): ProcStats {
    return procStats(this.pid);
  }

  async ready(): Promise<ReadyReport> {
    const res = await fetch(`${this.url}/health/ready`);
    return (await res.json()) as ReadyReport;
  }

  waitExit(): Promise<Exit> {
    return this.exited;
  }

  /** Sends `signal` (SIGKILL: a crash) unless the child has exited, and waits for the exit. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM: the gateway drains, then exits. */
  stop(): Promise<Exit> {
    return this.kill('SIGTERM');
  }

  /** Once the child has exited: how, with the tail of its stderr and its last log lines. */
  exitError(): Error | undefined {
    if (!this.exit) return undefined;
    return new Error(
      `gateway (pid ${this.child.pid}) exited with code ${this.exit.code}, signal ${this.exit.signal}\n` +
        `stderr (tail):\n${this.stderr.slice(-20).join('\n')}\n` +
        `last log lines:\n${this.logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`,
    );
  }

  /** waitFor that fails at once, with `exitError()`, if this gateway exits meanwhile. */
  async waitFor<T>(what: string, check: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
    let exitError: Error | undefined;
    const failFast = () => options.failFast?.() ?? (exitError = this.exitError());
    try {
      return await waitFor(what, check, { ...options, failFast });
    } catch (err) {
      if (err === exitError) throw err;
      // A check that failed as the gateway died (a refused connection, say): name the exit instead.
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      const exited = this.exitError();
      throw exited ? Object.assign(exited, { cause: err }) : err;
    }
  }

  private onLog(line: string): void {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      /* not JSON: kept raw below */
    }
    if (typeof entry !== 'object' || entry === null) {
      this.logs.push({ raw: line });
      return;
    }
    this.logs.push(entry as Record<string, unknown>);
    const { port, bootstrap, admin } = entry as { port?: unknown; bootstrap?: unknown; admin?: unknown };
    if (this.url === '' && typeof port === 'number' && typeof bootstrap === 'string') {
      this.url = `http://127.0.0.1:${port}`;
      this.adminUrl = typeof admin === 'string' ? admin : '';
      this.bootstrap = bootstrap;
      this.listeningAt = Date.now();
    }
  }
}

/** `dist/gateway/cli.js`, whether this runs from `bench/` (tsx) or from `dist/bench/`. */
function gatewayCli(): string {
  const inDist = fileURLToPath(new URL('../gateway/cli.js', import.meta.url));
  if (existsSync(inDist)) return inDist;
  const built = fileURLToPath(new URL('../dist/gateway/cli.js', import.meta.url));
  if (!existsSync(built)) throw new Error(`${built} not found: run 'npm run build' first`);
  return built;
}
