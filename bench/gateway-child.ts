import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { procStats, type ProcStats } from './proc-stats.js';

export interface GatewayOptions {
  /** Node flags, e.g. `--cpu-prof` for profiling. */
  nodeArgs?: readonly string[];
  /** The gateway's `cli.js`; default this build's. */
  cli?: string;
}

/**
 * The compiled gateway (`dist/gateway/cli.js`), run as its own process exactly as in production,
 * configured through EDGE_GATEWAY_* variables, on a port the OS picks.
 */
export class GatewayChild {
  url = '';
  bootstrap = '';
  /** Epoch ms of the 'edge-gateway listening' line. */
  listeningAt = 0;
  private readonly child: ChildProcess;
  private readonly stderr: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(env: Record<string, string>, options: GatewayOptions) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.cli ?? gatewayCli()], {
      env: { PATH: process.env.PATH, EDGE_GATEWAY_HTTP_LISTEN: '127.0.0.1:0', EDGE_GATEWAY_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.includes('edge-gateway listening')) return;
      const entry = JSON.parse(line) as { port: number; bootstrap: string };
      this.url = `http://127.0.0.1:${entry.port}`;
      this.bootstrap = entry.bootstrap;
      this.listeningAt = Date.now();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Starts the gateway and resolves once it listens. */
  static async start(env: Record<string, string>, options: GatewayOptions = {}): Promise<GatewayChild> {
    const g = new GatewayChild(env, options);
    const deadline = Date.now() + 60_000;
    let exitCode: number | null | undefined;
    void g.exited.then((c) => (exitCode = c));
    while (g.url === '') {
      if (exitCode !== undefined) throw new Error(`gateway exited with ${exitCode} during start-up:\n${g.stderr.join('\n')}`);
      if (Date.now() > deadline) throw new Error('gateway did not listen within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return g;
  }

  get pid(): number {
    return this.child.pid!;
  }

  stats(): ProcStats {
    return procStats(this.pid);
  }

  async ready(): Promise<{ wal: { deliveredCursor: number; lastSeq: number; pendingEvents: number } }> {
    const res = await fetch(`${this.url}/health/ready`);
    return (await res.json()) as { wal: { deliveredCursor: number; lastSeq: number; pendingEvents: number } };
  }

  /** SIGKILL, as in a crash. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (the gateway drains) and wait for the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** `dist/gateway/cli.js`, whether the harness runs from `bench/` (tsx) or from `dist/bench/`. */
function gatewayCli(): string {
  const inDist = fileURLToPath(new URL('../gateway/cli.js', import.meta.url));
  if (existsSync(inDist)) return inDist;
  const built = fileURLToPath(new URL('../dist/gateway/cli.js', import.meta.url));
  if (!existsSync(built)) throw new Error(`${built} not found: run 'npm run build' first`);
  return built;
}
