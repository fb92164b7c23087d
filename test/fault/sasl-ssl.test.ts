import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { consumeAll } from '../support/consumer.js';
import { makeEvent, ndjson } from '../support/events.js';
import { assertExactlyOnce, freePort } from '../support/fault-kit.js';
import { realBroker, securedBroker, type SecuredBroker } from '../support/real-broker.js';
import { makeCa } from '../support/test-pki.js';

/** Kafka over SASL_SSL with SCRAM-SHA-512 (issue 14): the secured listener of test/kafka/broker.sh. */
describe('forwarding to the real broker over SASL_SSL (SCRAM-SHA-512)', () => {
  let secured: SecuredBroker;
  before(async () => {
    secured = await securedBroker();
  });

  /** The gateway's settings for the secured listener, with the password from `passwordFile`. */
  const env = (port: number, dir: string, topic: string, passwordFile: string) => ({
    EDGE_GATEWAY_HTTP_LISTEN: `127.0.0.1:${port}`,
    EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: secured.bootstrap,
    EDGE_GATEWAY_KAFKA_PRODUCER: `{security.protocol: sasl_ssl, sasl.mechanisms: SCRAM-SHA-512, sasl.username: ${secured.username}, ssl.ca.location: ${secured.caFile}}`,
    EDGE_GATEWAY_KAFKA_SASL_PASSWORD_FILE: passwordFile,
    EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
  });
  const post = (port: number, ids: string[]) =>
    fetch(`http://127.0.0.1:${port}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson(ids.map((id, i) => makeEvent(id, `UTI-${i % 5}`, i))) });

  it('forwards exactly once, also across a gateway kill (the read-back runs over SASL_SSL too)', async () => {
    const topic = `fault-sasl-ssl-${Date.now()}`;
    const dir = tempDir('sasl-ssl-');
    const port = await freePort();
    const password = join(dir, 'kafka-password');
    copyFileSync(secured.passwordFile, password);
    const settings = env(port, dir, topic, password);
    let gw = await GatewayProcess.start(settings);
    const ids = Array.from({ length: 2_000 }, (_, i) => `${topic}-${i}`);
    try {
      for (let i = 0; i < 1_000; i += 200) assert.equal((await post(port, ids.slice(i, i + 200))).status, 202);
      await gw.waitFor('some deliveries', async () => (await gw.ready()).delivery.pendingEvents < 1_000, { timeoutMs: 60_000 });
      await gw.kill('SIGKILL');
      gw = await GatewayProcess.start(settings);
      for (let i = 1_000; i < 2_000; i += 200) assert.equal((await post(port, ids.slice(i, i + 200))).status, 202);
      await gw.waitFor('the WAL to drain', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 120_000 });
      const ready = (await gw.ready()) as any;
      assert.equal(ready.kafka?.problem ?? ready.producer?.problem, undefined);
    } finally {
      await gw.stop();
    }
    // Read on the broker's plain listener: the same topic, whichever listener wrote it.
    const records = await consumeAll(realBroker(), [topic], { timeoutMs: 60_000 });
    assertExactlyOnce('sasl-ssl', ids, records, { sent: ids.length, acknowledged: ids.length, kills: 1 });
  });

  it('a wrong password shows in /health/ready with the reason; intake goes on into the WAL; the right one (restart) drains it, nothing lost', async () => {
    const topic = `fault-sasl-wrong-${Date.now()}`;
    const dir = tempDir('sasl-wrong-');
    const port = await freePort();
    const password = join(dir, 'kafka-password');
    writeFileSync(password, 'not-the-password\n', { mode: 0o600 });
    const settings = env(port, dir, topic, password);
    let gw = await GatewayProcess.start(settings);
    const ids = Array.from({ length: 500 }, (_, i) => `${topic}-${i}`);
    try {
      for (let i = 0; i < ids.length; i += 100) assert.equal((await post(port, ids.slice(i, i + 100))).status, 202, 'intake keeps going');
      const problem = await gw.waitFor('the authentication failure in health', async () => {
        const p = ((await gw.ready()) as any).kafka.problem as string | undefined;
        return p && /SASL authentication error/.test(p) ? p : undefined;
      }, { timeoutMs: 60_000 });
      assert.match(problem, /not connected to kafka .*SASL authentication error: Authentication failed .*invalid credentials with SASL mechanism SCRAM-SHA-512/);
      assert.ok(!JSON.stringify(await gw.ready()).includes('not-the-password'), 'the password is not in health');
      assert.equal((await gw.ready()).delivery.pendingEvents, ids.length, 'all kept in the WAL');
      assert.ok(!JSON.stringify(gw.logs).includes('not-the-password'), 'nor in the log');
      await gw.stop();
      copyFileSync(secured.passwordFile, password); // the credential fixed, the gateway restarted
      gw = await GatewayProcess.start(settings);
      await gw.waitFor('the backlog to drain', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 120_000 });
    } finally {
      await gw.stop();
    }
    const records = await consumeAll(realBroker(), [topic], { timeoutMs: 60_000 });
    assertExactlyOnce('sasl-wrong-password', ids, records, { sent: ids.length, acknowledged: ids.length });
  });

  it('a broker certificate the gateway does not trust shows in /health/ready with the reason; intake goes on', async () => {
    const dir = tempDir('sasl-untrusted-');
    const port = await freePort();
    const password = join(dir, 'kafka-password');
    copyFileSync(secured.passwordFile, password);
    const settings = { ...env(port, dir, `fault-sasl-untrusted-${Date.now()}`, password) };
    settings.EDGE_GATEWAY_KAFKA_PRODUCER = settings.EDGE_GATEWAY_KAFKA_PRODUCER.replace(secured.caFile, makeCa(dir, 'another-ca').cert);
    const gw = await GatewayProcess.start(settings);
    try {
      assert.equal((await post(port, ['untrusted-1'])).status, 202);
      const problem = await gw.waitFor('the TLS failure in health', async () => {
        const p = ((await gw.ready()) as any).kafka.problem as string | undefined;
        return p && /SSL handshake failed/.test(p) ? p : undefined;
      }, { timeoutMs: 60_000 });
      assert.match(problem, /certificate verify failed/);
      assert.equal((await gw.ready()).delivery.pendingEvents, 1);
    } finally {
      await gw.stop();
    }
  });
});
