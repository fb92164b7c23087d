import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { adminToken } from './support/admin-token.js';
import { cli } from './support/cli-run.js';
import { samplePayload } from '../gateway/catalogue/sample-events.js';
import { makeEvent, ndjson, testUti } from './support/events.js';
import { freePort } from './support/fault-kit.js';

describe('the edge-gateway command against a running gateway', () => {
  let gw: GatewayProcess;
  const token = adminToken();
  const wrongTokenFile = join(tempDir('cli-test-'), 'wrong-token');
  writeFileSync(wrongTokenFile, 'not-the-token\n');
  const admin = () => ['--admin', gw.adminUrl];
  const post = async (events: unknown[]) => {
    const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson(events) });
    return { status: res.status, json: (await res.json()) as any };
  };

  before(async () => {
    gw = await GatewayProcess.start({ ...token.env, EDGE_GATEWAY_WAL_PATH: join(tempDir('cli-test-'), 'wal.db') });
    // Even: a trade confirmed; odd: an amendment of the trade just before it (a valid MODI of that UTI).
    const events = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? makeEvent(`cli-${i}`, `UTI-${i % 4}`, i)
        : makeEvent(`cli-${i}`, `UTI-${i % 4}`, i, { type: 'TradeAmended', payload: samplePayload('TradeAmended', 1, testUti(`cli-${i - 1}`, i - 1)) }),
    );
    assert.equal((await post(events)).status, 202);
    await gw.waitFor('every event delivered', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 30_000 });
  });
  after(async () => {
    await gw?.stop();
  });

  it('-h, --help on every command, --version; an unknown command or option exits 2', async () => {
    for (const args of [['-h'], ['--help'], ['health', '--help'], ['dlq', 'redrive', '-h'], ['replay', '--help'], ['check-config', '--help'], ['intake', 'pause', '--help'], ['wal', 'stats', '--help'], ['start', '--help']]) {
      const r = await cli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /^Usage: edge-gateway/, args.join(' '));
    }
    const v = await cli(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
    const typo = await cli(['helth']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown command 'helth'; did you mean health\?/);
    assert.equal((await cli(['health', '--no-such-option'])).code, 2);
  });

  it('health: exit 0 and the ready report; exit 3 when the admin listener cannot be reached', async () => {
    const r = await cli(['health', ...admin(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.status, 'ready');
    assert.equal(r.json.kafka.bus, 'embedded');
    const human = await cli(['health', ...admin()]);
    assert.match(human.stdout, /^ready\n/);
    const away = await cli(['health', '--admin', '127.0.0.1:1', '--json']);
    assert.equal(away.code, 3);
    assert.match(away.stderr, /cannot reach the admin listener at http:\/\/127\.0\.0\.1:1/);
  });

  it('status: exit 0 with where the event stands; exit 4 for an eventId the WAL does not hold', async () => {
    const r = await cli(['status', 'cli-3', ...admin(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.eventId, 'cli-3');
    assert.equal(r.json.status, 'forwarded');
    assert.equal(r.json.seq, 4);
    const missing = await cli(['status', 'no-such-event', ...admin(), '--json']);
    assert.equal(missing.code, 4);
    assert.equal(missing.json.error.code, 'event_not_found');
  });

  it('wal stats: rows, bytes, backlog, files', async () => {
    const r = await cli(['wal', 'stats', ...admin(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.json.rows >= 20, JSON.stringify(r.json));
    assert.equal(r.json.backlog.events, 0);
    assert.equal(r.json.backlog.oldestUndeliveredAt, null);
    assert.ok(r.json.files.db > 0 && r.json.usedBytes > 0);
    const human = await cli(['wal', 'stats', ...admin()]);
    assert.match(human.stdout, /^path +.*wal\.db\nrows +\d+/);
  });

  it('dlq list, show, redrive: exit codes and JSON', async () => {
    const list = await cli(['dlq', 'list', ...admin(), '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.json, { items: [] });
    assert.equal((await cli(['dlq', 'list', ...admin()])).stdout, 'no dead letters\n');
    assert.equal((await cli(['dlq', 'show', '42', ...admin(), '--json'])).code, 4);
    assert.equal((await cli(['dlq', 'redrive', '42', ...admin(), '--json'])).code, 5, 'no token given');
    assert.equal((await cli(['dlq', 'redrive', '42', ...admin(), '--token-file', wrongTokenFile])).code, 5, 'wrong token');
    const right = await cli(['dlq', 'redrive', '42', ...admin(), '--token-file', token.env.EDGE_GATEWAY_ADMIN_TOKEN_FILE!, '--json']);
    assert.equal(right.code, 4, 'with the token: the route runs, and there is no dead letter 42');
    assert.equal((await cli(['dlq', 'show', 'x', ...admin()])).code, 2);
  });

  it('intake pause and resume: refused without the right token, then 503 intake_paused until resumed', async () => {
    const tokenFile = ['--token-file', token.env.EDGE_GATEWAY_ADMIN_TOKEN_FILE!];
    assert.equal((await cli(['intake', 'pause', ...admin()])).code, 5);
    assert.equal((await cli(['intake', 'pause', ...admin(), '--token-file', wrongTokenFile])).code, 5);
    assert.equal((await post([makeEvent('cli-open', 'UTI-X', 0)])).status, 202, 'a refused pause changed nothing');
    const paused = await cli(['intake', 'pause', ...admin(), ...tokenFile, '--json']);
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal(paused.json.state, 'paused');
    assert.equal(paused.json.changed, true);
    const refused = await post([makeEvent('cli-paused', 'UTI-X', 1)]);
    assert.equal(refused.status, 503);
    assert.equal(refused.json.error.code, 'intake_paused');
    assert.equal((await cli(['intake', 'status', ...admin(), '--json'])).json.state, 'paused');
    assert.equal((await gw.ready()).intake.state, 'paused');
    assert.equal((await cli(['intake', 'resume', ...admin()])).code, 5, 'resume also needs the token');
    const resumed = await cli(['intake', 'resume', ...admin(), ...tokenFile, '--json']);
    assert.deepEqual([resumed.code, resumed.json.state], [0, 'open']);
    assert.equal((await post([makeEvent('cli-paused', 'UTI-X', 1)])).status, 202);
  });

  it('replay: --dry-run lists exactly the selection and changes nothing; without the token nothing is appended', async () => {
    const lastSeq = (await gw.ready()).wal.lastSeq;
    const tokenFile = ['--token-file', token.env.EDGE_GATEWAY_ADMIN_TOKEN_FILE!];
    const listed = await cli(['replay', '--type', 'TradeAmended', '--aggregate-id', 'UTI-1', '--dry-run', ...admin(), '--json']);
    assert.equal(listed.code, 0, `a dry run needs no token: ${listed.stderr}`);
    assert.equal(listed.json.dryRun, true);
    assert.deepEqual(listed.json.events.map((e: any) => e.eventId), ['cli-1', 'cli-5', 'cli-9', 'cli-13', 'cli-17']);
    assert.equal((await gw.ready()).wal.lastSeq, lastSeq, 'a dry run appends nothing');
    assert.equal((await cli(['replay', '--from-seq', '1', ...admin(), '--token-file', wrongTokenFile])).code, 5);
    assert.equal((await gw.ready()).wal.lastSeq, lastSeq, 'a refused replay appends nothing');
    const bad = await cli(['replay', ...admin(), ...tokenFile, '--json']);
    assert.equal(bad.code, 2, 'no selector');
    assert.equal(bad.json.error.code, 'invalid_replay');
    const done = await cli(['replay', '--from-seq', '2', '--to-seq', '3', ...admin(), ...tokenFile, '--json']);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.json.replayId, /^replay-/);
    assert.deepEqual([done.json.replayed, done.json.firstSeq, done.json.lastSeq], [2, lastSeq + 1, lastSeq + 2]);
    await gw.waitFor('the replay delivered', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 30_000 });
  });

  it('check-config: the effective configuration with secrets masked; exit 2 listing every problem', async () => {
    const dir = tempDir('cli-test-');
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'kafka:\n  brokers: 127.0.0.1:9092\n  producer: { sasl.password: hunter2 }\n');
    const r = await cli(['check-config', '-c', good, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.kafka, { brokers: ['127.0.0.1:9092'], producer: { 'sasl.password': '***' } });
    assert.equal(r.json.admin.listen, '127.0.0.1:8081');
    assert.doesNotMatch((await cli(['check-config', '-c', good])).stdout, /hunter2/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'http: { listen: nowhere }\nwal: { synchronous: sometimes }\nadmin: { tokenFile: /nonexistent/token }\n');
    const b = await cli(['check-config', '-c', bad], { EDGE_GATEWAY_FORWARDER_BATCH_SIZ: '5' });
    assert.equal(b.code, 2);
    for (const key of ['http.listen', 'wal.synchronous', 'EDGE_GATEWAY_FORWARDER_BATCH_SIZ: not a configuration key; did you mean EDGE_GATEWAY_FORWARDER_BATCH_SIZE?']) {
      assert.ok(b.stderr.includes(key), `${key} in ${b.stderr}`);
    }
  });

  it('check-config --explain: how each sample is checked and routed; exit 1 when one would be rejected, 2 for an unreadable file', async () => {
    const dir = tempDir('cli-test-');
    const good = makeEvent('explain-1', 'K', 1);
    const bad = { ...makeEvent('explain-2', 'K', 2), payload: { ...makeEvent('explain-2', 'K', 2).payload, venue: 'x' } };
    writeFileSync(join(dir, 'good.json'), JSON.stringify([good]));
    writeFileSync(join(dir, 'mixed.json'), JSON.stringify([good, bad]));
    const ok = await cli(['check-config', '--explain', join(dir, 'good.json')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /event \[0\] explain-1\n {2}accepted: TradeConfirmed v1/);
    assert.match(ok.stdout, /-> defaultTopic 'default' matches: topic trade-events, priority normal/);
    const mixed = await cli(['check-config', '--explain', join(dir, 'mixed.json')]);
    assert.equal(mixed.code, 1, mixed.stderr);
    assert.match(mixed.stdout, /event \[1\] explain-2\n {2}rejected: 1 error\(s\)/);
    assert.match(mixed.stderr, /1 sample event\(s\) would be rejected/);
    assert.equal((await cli(['check-config', '--explain', join(dir, 'missing.json')])).code, 2);
  });
});

describe('edge-gateway health with Kafka unreachable', () => {
  it('stays ready (exit 0) and says why Kafka is not connected, and since when', async () => {
    const port = await freePort();
    const gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(tempDir('cli-test-'), 'wal.db'), EDGE_GATEWAY_KAFKA_BROKERS: `127.0.0.1:${port}` });
    try {
      await gw.waitFor('a connect error', async () => (await gw.ready()).kafka.lastError);
      const r = await cli(['health', '--admin', gw.adminUrl, '--json']);
      assert.equal(r.code, 0, 'Kafka away does not make the gateway unready');
      assert.equal(r.json.kafka.connected, false);
      assert.ok(Date.parse(r.json.kafka.disconnectedSince) <= Date.now());
      assert.equal(r.json.problems.length, 1);
      assert.match(r.json.problems[0], new RegExp(`^kafka: not connected to kafka \\(127\\.0\\.0\\.1:${port}\\) since \\S+Z: .+`));
      const human = await cli(['health', '--admin', gw.adminUrl]);
      assert.match(human.stdout, /^ready\n  problem: kafka: not connected/);
    } finally {
      await gw.stop();
    }
  });
});
