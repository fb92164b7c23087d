import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

const CLI = fileURLToPath(new URL('../../dist/gateway/cli.js', import.meta.url));

export function tempDir(prefix = 'edge-gateway-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The gateway as a child process, as production runs it (compiled JavaScript, `npm run build`
 * first). Configuration comes through EDGE_GATEWAY_* variables; the HTTP port is picked by the OS.
 */
export class GatewayProcess {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>> = [];
  readonly stderr: string[] = [];
  url = '';
  bootstrap = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, EDGE_GATEWAY_HTTP_LISTEN: '127.0.0.1:0', EDGE_GATEWAY_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        this.logs.push(entry);
        if (entry.msg === 'edge-gateway listening') {
          this.url = `http://127.0.0.1:${entry.port}`;
          this.bootstrap = String(entry.bootstrap);
        }
      } catch {
        this.logs.push({ raw: line });
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(env: Record<string, string>): Promise<GatewayProcess> {
    const g = new GatewayProcess(env);
    let exit: unknown;
    void g.exited.then((e) => (exit = e));
    await waitFor('the gateway to listen', () => {
      if (exit) throw new Error(`gateway exited early: ${JSON.stringify(exit)}\n${g.stderr.join('\n')}\n${JSON.stringify(g.logs)}`);
      return g.url !== '';
    }, 60_000);
    return g;
  }

  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  async ready(): Promise<Record<string, any>> {
    const res = await fetch(`${this.url}/health/ready`);
    return (await res.json()) as Record<string, any>;
  }
}
