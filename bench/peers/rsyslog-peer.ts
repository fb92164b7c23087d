import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { benchEvent } from '../bench-events.js';
import { DeliveryWatch } from '../delivery-watch.js';
import { procStats } from '../proc-stats.js';
import type { MeasuredFigures } from '../report.js';
import { tempDir } from '../temp-dir.js';
import { waitFor } from '../wait-for.js';
import { freePort } from '../free-port.js';

/** How to get the peer on Debian/Ubuntu; the bench prints it when rsyslog or omkafka is missing. */
export const RSYSLOG_INSTALL = 'apt-get update && apt-get install -y rsyslog rsyslog-kafka';

export type RsyslogQueue = 'memory' | 'durable';

/** Why the peer cannot run here (rsyslogd or its omkafka module missing), or undefined when it can. */
export function rsyslogMissing(): string | undefined {
  if (spawnSync('rsyslogd', ['-v'], { stdio: 'ignore' }).status !== 0) return `rsyslogd not installed (${RSYSLOG_INSTALL})`;
  const dirs = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog', '/usr/lib64/rsyslog'];
  if (!dirs.some((d) => existsSync(join(d, 'omkafka.so')))) return `rsyslog's omkafka module not installed (${RSYSLOG_INSTALL})`;
  return undefined;
}

/**
 * The action queue of each configuration. `memory`: rsyslog's usual memory-first queue (in RAM,
 * spilled to disk only when full or at shutdown): not durable per event. `durable`: a disk queue
 * that syncs its files and checkpoints after every message, rsyslog's setting for durability.
 */
const QUEUES: Record<RsyslogQueue, string> = {
  memory: 'queue.type="LinkedList" queue.size="1000000" queue.dequeueBatchSize="1024" queue.filename="mq" queue.saveOnShutdown="on"',
  durable: 'queue.type="Disk" queue.filename="dq" queue.checkpointInterval="1" queue.syncQueueFiles="on" queue.dequeueBatchSize="1024"',
};

/**
 * A peer row: rsyslog (imtcp in, omkafka out, librdkafka idempotent with acks=all, lz4, linger 5 ms
 * like the gateway) forwarding the bench's events, sent as NDJSON over one TCP connection, into the
 * same broker. Timed from the first byte sent to the last record read back by the consumer.
 * rsyslog sends no acknowledgement over plain TCP, so there are no ack latencies; records carry no
 * key (rsyslog would need a JSON parser to lift `aggregateId`), so there is no per-key order either.
 */
export async function rsyslogPeer(o: { brokers: string; topic: string; events: number; queue: RsyslogQueue }): Promise<MeasuredFigures> {
  const dir = tempDir(`bench-rsyslog-${o.queue}-`);
  const port = await freePort();
  const conf = join(dir, 'rsyslog.conf');
  const brokers = o.brokers.split(',').map((b) => `"${b}"`).join(',');
  writeFileSync(conf, `global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imtcp")
module(load="omkafka")
template(name="raw" type="string" string="%rawmsg%")
input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="forward")
ruleset(name="forward") {
  action(type="omkafka" broker=[${brokers}] topic="${o.topic}" template="raw"
         confParam=["enable.idempotence=true", "acks=all", "linger.ms=5", "compression.codec=lz4", "batch.num.messages=10000", "queue.buffering.max.messages=100000"]
         ${QUEUES[o.queue]})
}
`);
  const child = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? new Error(`rsyslogd exited: ${stderr.slice(-500)}`) : undefined);
  const watch = await DeliveryWatch.start(o.brokers, o.topic);
  try {
    const socket = await waitFor('rsyslogd to listen', () => tryConnect(port), { timeoutMs: 15_000, everyMs: 50, failFast: exited });
    const before = procStats(child.pid!);
    const startedAt = Date.now();
    // Chunks of 1,000 lines, each stamped when built (the consumer measures end-to-end from it).
    for (let first = 0; first < o.events; first += 1000) {
      const now = new Date().toISOString();
      const lines: string[] = [];
      for (let i = first; i < Math.min(o.events, first + 1000); i++) lines.push(benchEvent(o.topic, i, now));
      if (!socket.write(`${lines.join('\n')}\n`)) await new Promise((r) => socket.once('drain', r));
    }
    socket.end();
    await watch.waitFor(o.events, 120_000);
    const seconds = (watch.lastAt - startedAt) / 1000;
    const after = procStats(child.pid!);
    const e2e = watch.e2e.percentiles();
    return {
      eventsPerSec: Math.round(o.events / seconds),
      ackLatencyMs: { p50: null, p99: null, p999: null },
      e2eLatencyMs: { p50: e2e.p50, p99: e2e.p99 },
      peakRssMb: after.peakRssMb,
      cpuSecondsPerMillion: before.cpuSeconds === null || after.cpuSeconds === null ? null : Math.round(((after.cpuSeconds - before.cpuSeconds) / o.events) * 1e6 * 100) / 100,
      events: o.events,
      failedRequests: 0,
      note: `rsyslog ${rsyslogVersion()} + omkafka, ${o.queue === 'memory' ? 'memory-first queue (not durable per event)' : 'disk queue synced per message (durable)'}: ${o.events.toLocaleString('en-US')} NDJSON events over TCP, no acknowledgements, no record keys`,
    };
  } finally {
    await watch.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function rsyslogVersion(): string {
  const out = spawnSync('rsyslogd', ['-v'], { encoding: 'utf8' }).stdout ?? '';
  return /rsyslogd\s+([\d.]+)/.exec(out)?.[1] ?? '?';
}

function tryConnect(port: number): Promise<import('node:net').Socket | undefined> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(undefined));
  });
}

