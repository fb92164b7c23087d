import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeEvent } from './support/events.js';
import { GatewayProcess, tempDir } from './support/gateway-process.js';
import { readWalFile } from './support/wal-file.js';
import { waitFor } from './support/wait-for.js';

/** A request whose body never ends: it keeps a drain waiting. */
async function startStuckRequest(gw: GatewayProcess): Promise<void> {
  const stuck = request(new URL('/v1/events', gw.url), { method: 'POST', headers: { 'content-type': 'application/json' } });
  stuck.on('error', () => {});
  stuck.write('[');
  // In flight: the stuck request and the health check itself.
  await waitFor('the request to reach the gateway', async () => (await gw.ready()).http.inFlightRequests >= 2);
}

describe('lifecycle', () => {
  it('SIGTERM stops intake, commits what is in flight, forwards it and exits 0', async () => {
    const wal = join(tempDir(), 'wal.db');
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: wal });
    const acked = new Set<string>();
    let signalled = false;
    const lanes = [0, 1, 2, 3].map(async (lane) => {
      for (let r = 0; r < 200; r++) {
        const events = Array.from({ length: 50 }, (_, i) => makeEvent(`t-${lane}-${r}-${i}`, `UTI-${lane}`, r * 50 + i));
        try {
          const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
          if (res.status === 202) for (const e of events) acked.add(e.eventId);
          else assert.equal(res.status, 503, 'only a refusal to start new work once stopping');
        } catch {
          assert.ok(signalled, 'connections fail only after SIGTERM');
          return;
        }
        if (lane === 0 && r === 20) {
          signalled = true;
          gw.child.kill('SIGTERM');
        }
      }
    });
    await Promise.all(lanes);
    const exit = await gw.waitExit();
    assert.equal(exit.code, 0, gw.stderr.join('\n'));
    assert.ok(gw.logs.some((l) => l.msg === 'stopped'));

    const stopped = gw.logs.find((l) => l.msg === 'forwarder stopped')!;
    assert.equal(stopped.unconfirmed, 0, 'the producer was flushed: nothing left unconfirmed');
    const onDisk = readWalFile(wal);
    assert.equal(onDisk.cursor, stopped.deliveredCursor, 'the deliveries confirmed before exit were recorded');
    assert.ok(acked.size >= 21 * 50);
    for (const id of acked) assert.ok(onDisk.seqs.has(id), `acknowledged ${id} is in the WAL`);

    // What was committed but not yet handed to Kafka is forwarded by the next start.
    const next = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: wal });
    try {
      const lastSeq = Math.max(...onDisk.seqs.values());
      await waitFor('the rest to be forwarded', async () => (await next.ready()).wal.deliveredCursor === lastSeq);
    } finally {
      await next.kill('SIGTERM');
    }
  });

  it('a second signal exits at once without waiting for the drain', async () => {
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'), EDGE_GATEWAY_SHUTDOWN_DEADLINE_MS: '60000' });
    await startStuckRequest(gw);
    gw.child.kill('SIGTERM');
    await waitFor('the drain to start', () => gw.logs.some((l) => l.msg === 'draining'));
    const started = Date.now();
    gw.child.kill('SIGINT');
    const exit = await gw.waitExit();
    assert.equal(exit.code, 1);
    assert.ok(Date.now() - started < 10_000, 'did not wait for the 60 s deadline');
    assert.ok(gw.logs.some((l) => l.msg === 'second signal: exiting without draining'));
  });

  it('SIGTERM while Kafka is unreachable exits 0 well within the deadline, the events kept for the next start', async () => {
    const wal = join(tempDir(), 'wal.db');
    // Nothing listens on port 1: the producer keeps trying to connect.
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: wal, EDGE_GATEWAY_KAFKA_BROKERS: '127.0.0.1:1' });
    const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(makeEvent('offline-1', 'UTI-1', 0)) });
    assert.equal(res.status, 202);
    const started = Date.now();
    gw.child.kill('SIGTERM');
    const exit = await gw.waitExit();
    assert.equal(exit.code, 0);
    // A pending connect attempt holds up librdkafka's teardown; attempts are kept short (3 s).
    assert.ok(Date.now() - started < 4000, `exited after ${Date.now() - started} ms`);
    assert.equal(readWalFile(wal).seqs.get('offline-1'), 1);
  });

  it('a drain that overruns its deadline exits non-zero', async () => {
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'), EDGE_GATEWAY_SHUTDOWN_DEADLINE_MS: '500' });
    await startStuckRequest(gw);
    gw.child.kill('SIGTERM');
    const exit = await gw.waitExit();
    assert.equal(exit.code, 1);
  });

  it('an invalid configuration fails start-up listing every problem by key path', async () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(file, [
      'gatewayId: "has spaces"',
      'http: { maxBodyBytes: -1 }',
      'wal: { synchronous: sometimes }',
      'kafka: { producer: { acks: "1" } }',
      'typo: 1',
    ].join('\n'));
    const gw = new GatewayProcess({ EDGE_GATEWAY_HTTP_LISTEN: 'nowhere', EDGE_GATEWAY_FORWARDER_BATCH_SIZE: 'lots', EDGE_GATEWAY_NO_SUCH_KEY: '1' }, ['--config', file]);
    const exit = await gw.waitExit();
    assert.equal(exit.code, 2);
    const text = gw.stderr.join('\n');
    for (const path of ['gatewayId:', 'http.listen:', 'http.maxBodyBytes:', 'wal.synchronous:', 'kafka.producer.acks:', 'typo', 'forwarder.batchSize', 'EDGE_GATEWAY_NO_SUCH_KEY:']) {
      assert.ok(text.includes(path), `stderr names ${path}:\n${text}`);
    }
  });

  it('a start-up failure (port taken) exits 1 with the reason, after releasing what it opened', async () => {
    const first = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db') });
    try {
      const second = new GatewayProcess({ EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'), EDGE_GATEWAY_HTTP_LISTEN: new URL(first.url).host });
      const exit = await second.waitExit();
      assert.equal(exit.code, 1);
      const fatal = second.logs.find((l) => l.msg === 'start-up failed') as { err?: { code?: string } } | undefined;
      assert.equal(fatal?.err?.code, 'EADDRINUSE');
    } finally {
      await first.kill('SIGTERM');
    }
  });

  it('reads the file named by --config, with environment variables over it', async () => {
    const dir = tempDir();
    const file = join(dir, 'gw.yaml');
    writeFileSync(file, `gatewayId: from-file\nwal: { path: ${JSON.stringify(join(dir, 'wal.db'))} }\nkafka: { defaultTopic: from-file }\n`);
    const gw = new GatewayProcess({ EDGE_GATEWAY_KAFKA_DEFAULT_TOPIC: 'from-env' }, ['--config', file]);
    try {
      await waitFor('the gateway to listen', () => gw.url !== '');
      const ready = await gw.ready();
      assert.equal(ready.gatewayId, 'from-file');
      const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(makeEvent('cfg-1', 'UTI-C', 0)) });
      assert.equal(res.status, 202);
      const where = (await (await fetch(`${gw.url}/v1/events/cfg-1`)).json()) as { topic: string };
      assert.equal(where.topic, 'from-env');
    } finally {
      await gw.kill('SIGTERM');
    }
  });
});
