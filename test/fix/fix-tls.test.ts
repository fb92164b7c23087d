import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { freePort } from '../support/fault-kit.js';
import { FixTestClient } from '../support/fix-client.js';
import { scrape, valueOf } from '../support/scrape.js';
import { fixEnv } from '../support/fix-gateway.js';
import { serialOf, makeCa, makeCert, servedFiles, type CertFiles } from '../support/test-pki.js';

const REPORTS = 300;
const QFJ = fileURLToPath(new URL('./quickfixj/', import.meta.url));

/** The serial of the certificate a TLS client trusting `ca` is served on `port`; rejects when the handshake fails. */
function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(ca), servername: 'localhost' }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.destroy();
      resolve(serial);
    });
    s.once('error', reject);
  });
}

describe('FIX acceptor over TLS (fix.tls)', () => {
  let gw: GatewayProcess;
  let dir: string;
  let ca: CertFiles;
  let otherCa: CertFiles;
  let served: ReturnType<typeof servedFiles>;
  let port: number;

  before(async () => {
    dir = tempDir('fix-tls-');
    ca = makeCa(dir, 'test-ca');
    otherCa = makeCa(dir, 'other-ca');
    const first = makeCert(dir, ca, 'edge-gateway-1');
    served = servedFiles(dir);
    served.install(first);
    port = await freePort();
    gw = await GatewayProcess.start({
      EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'),
      ...fixEnv(port, { heartBtIntS: 30 }),
      EDGE_GATEWAY_FIX_TLS_CERT_FILE: served.cert,
      EDGE_GATEWAY_FIX_TLS_KEY_FILE: served.key,
    });
  });
  after(async () => {
    await gw?.stop();
  });

  it(`QuickFIX/J logs on over TLS (SocketUseSSL, PKCS12 truststore of the test CA): ${REPORTS} TradeCaptureReports acknowledged and stored`, async () => {
    const classpath = spawnSync(join(QFJ, 'fetch.sh'), { encoding: 'utf8' });
    assert.equal(classpath.status, 0, `fetching QuickFIX/J failed: ${classpath.stderr}`);
    const trustStore = join(dir, 'trust.p12');
    execFileSync('keytool', ['-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', trustStore, '-storepass', 'changeit', '-alias', 'test-ca', '-file', ca.cert], { stdio: 'ignore' });
    const ackFile = join(dir, 'acks.txt');
    const runId = `tls-${Date.now()}`;
    const initiator = spawn('java', ['-cp', classpath.stdout.trim(), join(QFJ, 'TradeInitiator.java'), '127.0.0.1', String(port), String(REPORTS), runId, join(dir, 'qfj-store'), ackFile, '40', trustStore, 'changeit'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    initiator.stdout.on('data', (c: Buffer) => (out += c.toString()));
    initiator.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => initiator.on('exit', resolve));
    assert.equal(code, 0, `initiator: ${out.slice(-2000)}`);
    const acks = existsSync(ackFile) ? readFileSync(ackFile, 'utf8').split('\n').filter(Boolean) : [];
    assert.equal(acks.filter((l) => l.endsWith(' 0')).length, REPORTS, 'every report acknowledged as accepted (AR 939=0)');
    for (const i of [0, REPORTS - 1]) assert.equal((await fetch(`${gw.url}/v1/events/fix-OMS1-${runId}-${i}`)).status, 200, `report ${i} is in the WAL`);
    const health = (await gw.ready()) as unknown as { fix: { tls: unknown } };
    assert.deepEqual(health.fix.tls, { certificateDaysLeft: 29, clientCertificates: 'none', refusedHandshakes: 0 });
  });

  it('refuses a plain-TCP initiator (no Logon answer) and a TLS client that trusts another CA', async () => {
    const plain = await FixTestClient.connect(port);
    plain.logon();
    assert.deepEqual(await plain.closedBy(), [], 'a plaintext Logon gets no FIX answer; the connection is closed');
    await assert.rejects(servedSerial(port, otherCa.cert), (e: NodeJS.ErrnoException) => /UNABLE_TO_VERIFY|unable to verify|self.signed/i.test(`${e.code} ${e.message}`));
    await gw.waitFor('the refused handshakes to be counted', async () => ((await gw.ready()) as unknown as { fix: { tls: { refusedHandshakes: number } } }).fix.tls.refusedHandshakes >= 2, { timeoutMs: 10_000 });
    const samples = await scrape(gw.adminUrl);
    assert.equal(valueOf(samples, 'edge_gateway_auth_failures_total', { listener: 'fix', reason: 'tls_handshake' }), 2, 'both refusals in Prometheus');
    const expiry = valueOf(samples, 'edge_gateway_tls_certificate_expiry_seconds', { listener: 'fix' });
    assert.ok(expiry > 29 * 86_400 && expiry <= 30 * 86_400, `fix certificate expiry ${expiry} s`);
  });

  it('SIGHUP serves a new certificate to new FIX connections', async () => {
    assert.equal(await servedSerial(port, ca.cert), serialOf(served.cert));
    const second = makeCert(dir, ca, 'edge-gateway-2', { days: 60 });
    served.install(second);
    process.kill(gw.pid, 'SIGHUP');
    await gw.waitFor('the reload', () => gw.logs.some((l) => l.msg === 'certificates reloaded'), { timeoutMs: 10_000 });
    assert.equal(await servedSerial(port, ca.cert), serialOf(second.cert));
    assert.equal(((await gw.ready()) as unknown as { fix: { tls: { certificateDaysLeft: number } } }).fix.tls.certificateDaysLeft, 59);
  });
});
