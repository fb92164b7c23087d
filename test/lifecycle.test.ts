import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { makeEvent } from './support/events.js';
import { readWalFile } from './support/wal-file.js';

/** fetch failing to connect or to finish (refused, reset, closed), as opposed to an answer. */
function isConnectionError(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return err instanceof TypeError && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code ?? '');
}

/** A request whose body never ends: it keeps a drain waiting. */
async function startStuckRequest(gw: GatewayProcess): Promise<void> {
  const stuck = request(new URL('/v1/events', gw.url), { method: 'POST', headers: { 'content-type': 'application/json' } });
  stuck.on('error', () => {});
  stuck.write('[');
  // In flight: the stuck request and the health check itself.
  await gw.waitFor('the request to reach the gateway', async () => (await gw.ready()).http.inFlightRequests >= 2);
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
        let res: Response;
        let body: { error?: { code?: string } };
        try {
          res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
          body = (await res.json()) as typeof body;
        } catch (err) {
          // Once stopping, the gateway may close its listener and connections: nothing else may fail.
          if (!signalled || !isConnectionError(err)) throw err;
          return;
        }
        if (res.status === 202) {
          for (const e of events) acked.add(e.eventId);
        } else {
          // The only other answer: a refusal to start new work once stopping, with a hint to retry.
          assert.ok(signalled, `answered ${res.status} before SIGTERM: ${JSON.stringify(body)}`);
          assert.equal(res.status, 503, JSON.stringify(body));
          assert.equal(body.error?.code, 'shutting_down');
          assert.ok(res.headers.get('retry-after'), 'a 503 carries Retry-After');
        }
        if (lane === 0 && r === 20) {
          signalled = true;
          gw.child.kill('SIGTERM');
        }
      }
    });
    await Promise.all(lanes);
    const exit = await gw.waitExit();
    assert.equal(exit.code, 0, gw.exitError()?.message);
    const final = gw.logs.find((l) => Array.isArray(l.forced));
    assert.equal(final?.stop, 'clean', `the stop finished in time: ${JSON.stringify(final)}`);

    const stopped = gw.logs.find((l) => l.component === 'forwarder' && 'unconfirmed' in l);
    assert.ok(stopped, 'the forwarder logged what it left');
    assert.equal(stopped.unconfirmed, 0, 'the producer was flushed: nothing left unconfirmed');
    const onDisk = readWalFile(wal);
    assert.equal(onDisk.cursor, stopped.deliveredCursor, 'the deliveries confirmed before exit were recorded');
    assert.ok(acked.size >= 21 * 50);
    for (const id of acked) assert.ok(onDisk.seqs.has(id), `acknowledged ${id} is in the WAL`);

    // What was committed but not yet handed to Kafka is forwarded by the next start.
    const next = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: wal });
    try {
      const lastSeq = Math.max(...onDisk.seqs.values());
      await next.waitFor('the rest to be forwarded', async () => (await next.ready()).delivery.deliveredCursor === lastSeq);
    } finally {
      await next.stop();
    }
  });

  it('once stopping, a request that arrives on an open connection gets 503 shutting_down with Retry-After, and nothing of it is stored', async () => {
    const wal = join(tempDir(), 'wal.db');
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: wal, EDGE_GATEWAY_SHUTDOWN_DEADLINE_MS: '20000' });
    const { port } = new URL(gw.url);
    await startStuckRequest(gw); // holds the drain open
    // A connection whose request has begun (its headers are not complete) before SIGTERM.
    const late = connect(Number(port), '127.0.0.1');
    let answer = '';
    late.on('data', (d: Buffer) => (answer += d.toString()));
    late.on('error', () => {});
    const closed = new Promise<void>((resolve) => late.on('close', () => resolve()));
    late.write('POST /v1/events HTTP/1.1\r\nHost: gateway\r\n');
    await gw.waitFor('the connection to be accepted', async () => (await gw.ready()).http.inFlightRequests >= 2);
    gw.child.kill('SIGTERM');
    await gw.waitFor('the drain to start', () => gw.logs.some((l) => l.signal === 'SIGTERM' && l.deadlineMs !== undefined));
    const body = JSON.stringify(makeEvent('late-1', 'UTI-LATE', 0));
    late.end(`Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await closed;
    const [head, json] = answer.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 503 /, answer);
    assert.match(head!, /\r\nretry-after: 1\r\n/i);
    assert.equal(JSON.parse(json!).error.code, 'shutting_down');
    await gw.kill('SIGKILL');
    assert.equal(readWalFile(wal).seqs.has('late-1'), false, 'nothing of it was stored');
  });

  it('a second signal exits at once without waiting for the drain', async () => {
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'), EDGE_GATEWAY_SHUTDOWN_DEADLINE_MS: '60000' });
    await startStuckRequest(gw);
    gw.child.kill('SIGTERM');
    await gw.waitFor('the drain to start', () => gw.logs.some((l) => l.signal === 'SIGTERM' && typeof l.deadlineMs === 'number'));
    const started = Date.now();
    gw.child.kill('SIGINT');
    const exit = await gw.waitExit();
    assert.equal(exit.code, 1);
    assert.ok(Date.now() - started < 10_000, 'did not wait for the 60 s deadline');
    assert.ok(gw.logs.some((l) => l.signal === 'SIGINT'), 'the second signal is logged');
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

  it('a drain that overruns its deadline is cut short at the deadline: the stuck part is named, the rest stops, exit 1', async () => {
    const deadlineMs = 1500;
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'), EDGE_GATEWAY_SHUTDOWN_DEADLINE_MS: String(deadlineMs) });
    await startStuckRequest(gw);
    const started = Date.now();
    gw.child.kill('SIGTERM');
    const exit = await gw.waitExit();
    const elapsed = Date.now() - started;
    assert.equal(exit.code, 1, 'a forced stop exits non-zero');
    // The forced path, not a crash in stop: the stop waited for the deadline, then finished every
    // component and reported which one the deadline cut short.
    assert.ok(elapsed >= deadlineMs, `waited for the deadline (${elapsed} ms)`);
    console.log(JSON.stringify({ test: 'deadline overrun', deadlineMs, elapsedMs: elapsed }));
    assert.ok(elapsed < deadlineMs + 900, `and no longer: the stop itself ended it, not the watchdog at deadline + 1 s (${elapsed} ms)`);
    const report = gw.logs.find((l) => l.stop !== undefined && Array.isArray(l.forced));
    assert.deepEqual(report && { stop: report.stop, forced: report.forced }, { stop: 'forced', forced: ['http'] });
    assert.ok(!gw.logs.some((l) => l.level === 60), 'no crash on the way');
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
    const gw = new GatewayProcess(
      { EDGE_GATEWAY_HTTP_LISTEN: 'nowhere', EDGE_GATEWAY_FORWARDER_BATCH_SIZE: 'lots', EDGE_GATEWAY_NO_SUCH_KEY: '1' },
      { args: ['--config', file] },
    );
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
      const fatal = second.logs.find((l) => l.startup === 'failed') as { err?: { code?: string } } | undefined;
      assert.equal(fatal?.err?.code, 'EADDRINUSE', second.exitError()?.message);
    } finally {
      await first.stop();
    }
  });

  it('reads the file named by --config, with environment variables over it', async () => {
    const dir = tempDir();
    const file = join(dir, 'gw.yaml');
    writeFileSync(file, `gatewayId: from-file\nwal: { path: ${JSON.stringify(join(dir, 'wal.db'))} }\nrouting: { defaultTopic: from-file }\n`);
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: 'from-env' }, { args: ['--config', file] });
    try {
      const ready = await gw.ready();
      assert.equal(ready.gatewayId, 'from-file');
      const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(makeEvent('cfg-1', 'UTI-C', 0)) });
      assert.equal(res.status, 202);
      const where = (await (await fetch(`${gw.url}/v1/events/cfg-1`)).json()) as { topic: string };
      assert.equal(where.topic, 'from-env');
    } finally {
      await gw.stop();
    }
  });
});
