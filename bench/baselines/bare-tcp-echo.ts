import { forkEntry } from '../child-entry.js';
import { buildReports, streamReports } from '../fix-stream.js';

/** L4: S3's reports, byte for byte, through a bare TCP echo server in its own process, with S3's window. */
export async function bareTcpEcho(options: { reports: number; window: number }) {
  const child = forkEntry('./baselines/bare-tcp-echo-main');
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`bare TCP echo exited with ${code}`)));
    });
    const r = await streamReports(port, buildReports('l4', options.reports), options.window, false);
    return { eventsPerSec: Math.round(r.messages / ((r.endedAt - r.startedAt) / 1000)), ackLatencyMs: r.ackLatencyMs };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    }
  }
}
