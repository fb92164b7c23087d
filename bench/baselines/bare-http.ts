import type { ChildProcess } from 'node:child_process';
import { forkEntry } from '../child-entry.js';
import { runLoad } from '../load-generator.js';
import type { LoadPlan } from '../load-plan.js';

/** L3's server (bare-http-main.ts) as a process of its own; the caller drives it with the load generator. */
export class BareHttp {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<BareHttp> {
    const child = forkEntry('./baselines/bare-http-main');
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`bare HTTP server exited with ${code}`)));
    });
    return new BareHttp(child, `http://127.0.0.1:${port}`);
  }

  get pid(): number {
    return this.child.pid!;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill();
    await exited;
  }
}

/**
 * L3: the load generator against the bare server, one event per request, S2's connections; at
 * full speed (closed loop), or at a fixed load (S5's, so its latencies have a floor to compare with).
 */
export async function bareHttpBaseline(options: { connections: number; pipelining: number; load: LoadPlan['load'] }) {
  const server = await BareHttp.start();
  try {
    const load = await runLoad({
      url: server.url, runId: 'l3', firstIndex: 0, eventsPerRequest: 1,
      connections: options.connections, pipelining: options.pipelining, load: options.load,
    });
    const requestsPerSec = Math.round(load.requests / ((load.endedAt - load.startedAt) / 1000));
    return { requestsPerSec, eventsPerSec: requestsPerSec, ackLatencyMs: load.ackLatencyMs, steadyAckLatencyMs: load.steadyAckLatencyMs };
  } finally {
    await server.stop();
  }
}
