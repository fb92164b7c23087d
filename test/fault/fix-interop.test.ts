import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { consumeAll } from '../support/consumer.js';
import { faultGatewayEnv, freePort } from '../support/fault-kit.js';
import { fixEnv, fixHealth } from '../support/fix-gateway.js';
import { realBroker } from '../support/real-broker.js';

const REPORTS = 10_000;
const KILLS = 2;
const QFJ = fileURLToPath(new URL('../fix/quickfixj/', import.meta.url));

it(`QuickFIX/J initiator, ${REPORTS} TradeCaptureReports, gateway SIGKILLed ${KILLS} times: every AR'd report in Kafka exactly once, every AR for a report in Kafka`, async () => {
  const classpath = spawnSync(join(QFJ, 'fetch.sh'), { encoding: 'utf8' });
  assert.equal(classpath.status, 0, `fetching QuickFIX/J failed: ${classpath.stderr}`);
  const topic = `fault-fix-interop-${Date.now()}`;
  const dir = tempDir('fix-interop-');
  const fixPort = await freePort();
  const env = { ...faultGatewayEnv(await freePort(), dir, topic), ...fixEnv(fixPort, { heartBtIntS: 30 }) };
  const ackFile = join(dir, 'acks.txt');
  let gateway = await GatewayProcess.start(env);
  const initiator = spawn('java', ['-cp', classpath.stdout.trim(), join(QFJ, 'TradeInitiator.java'), '127.0.0.1', String(fixPort), String(REPORTS), topic, join(dir, 'qfj-store'), ackFile, '240'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  initiator.stdout.on('data', (c: Buffer) => (out += c.toString()));
  initiator.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => initiator.on('exit', (code) => resolve(code)));
  let initiatorExit: number | null | undefined;
  void exited.then((c) => (initiatorExit = c));
  // What each life of the gateway logged about recovering the session: gaps it asked to be filled,
  // ResendRequests it answered.
  const recovery = { gapsAsked: 0, resendsAnswered: 0 };
  const tallyLogs = (g: GatewayProcess) => {
    recovery.gapsAsked += g.logs.filter((l) => l.msg === 'sequence gap: ResendRequest').length;
    recovery.resendsAnswered += g.logs.filter((l) => l.msg === 'ResendRequest').length;
  };
  const acks = () => (existsSync(ackFile) ? readFileSync(ackFile, 'utf8').split('\n').filter(Boolean) : []);
  try {
    for (let k = 0; k < KILLS; k++) {
      // Kill mid-stream: reports flow in and ARs out.
      const target = ((k + 1) * REPORTS) / (KILLS + 2);
      await gateway.waitFor(`${target} ARs before kill ${k + 1}`, () => acks().length >= target, {
        timeoutMs: 180_000, everyMs: 20, failFast: () => (initiatorExit !== undefined ? new Error(`initiator exited ${initiatorExit}: ${err}`) : undefined),
      }).catch(async (e: Error) => {
        // What a stalled session looked like from both ends, for whoever reads the failure.
        const fix = await fixHealth(gateway).catch((f: Error) => f.message);
        throw new Error(`${e.message}; ARs so far ${acks().length}; FIX health ${JSON.stringify(fix)}; initiator stdout ${out.slice(-1000)} stderr ${err.slice(-3000)}; gateway log ${JSON.stringify(gateway.logs.slice(-40))}`);
      });
      assert.equal((await gateway.kill('SIGKILL')).signal, 'SIGKILL');
      tallyLogs(gateway);
      gateway = await GatewayProcess.start(env);
    }
    const code = await exited;
    assert.equal(code, 0, `initiator: ${out} ${err.slice(-2000)}`);
    await gateway.waitFor('the WAL to drain', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 120_000 });

    tallyLogs(gateway);
    const lines = acks();
    const acked = new Set(lines.filter((l) => l.endsWith(' 0')).map((l) => `fix-OMS1-${l.split(' ')[0]}`));
    const records = await consumeAll(realBroker(), [topic], { timeoutMs: 120_000 });
    const inKafka = new Map<string, number>();
    for (const r of records) inKafka.set(r.headers['event-id']!, (inKafka.get(r.headers['event-id']!) ?? 0) + 1);
    const missing = [...acked].filter((id) => !inKafka.has(id));
    const duplicated = [...inKafka.values()].filter((n) => n > 1).length;
    const unacked = [...inKafka.keys()].filter((id) => !acked.has(id));
    console.log(`fix-interop: ${JSON.stringify({ reports: REPORTS, kills: KILLS, arLines: lines.length, acked: acked.size, consumed: records.length, distinct: inKafka.size, missing: missing.length, duplicated, inKafkaWithoutAr: unacked.length, ...recovery, initiator: out.trim() })}`);
    assert.equal(acked.size, REPORTS, 'every report was acknowledged as accepted');
    assert.ok(recovery.gapsAsked > 0, 'the kills hit mid-stream: a restarted gateway asked QuickFIX/J to resend');
    assert.deepEqual(missing, [], "every AR'd report is in Kafka");
    assert.equal(duplicated, 0, 'no report is in Kafka twice');
    assert.deepEqual(unacked, [], 'everything in Kafka is a report with an AR');
    const sample = records.find((r) => r.headers['event-id'] === `fix-OMS1-${topic}-0`)!;
    assert.equal(sample.value.type, 'TradeConfirmed');
    assert.equal(sample.value.payload.isin ?? sample.value.payload.instrument.isin, 'US0378331005');
  } finally {
    initiator.kill('SIGKILL');
    await gateway.stop();
  }
});
