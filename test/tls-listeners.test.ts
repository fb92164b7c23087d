import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { makeEvent, ndjson } from './support/events.js';
import { cli } from './support/cli-run.js';
import { httpsCall } from './support/https-call.js';
import { serialOf, makeCa, makeCert, servedFiles, type CertFiles } from './support/test-pki.js';


describe('TLS on the intake and admin listeners', () => {
  let gw: GatewayProcess;
  let dir: string;
  let ca: CertFiles;
  let otherCa: CertFiles;
  let served: ReturnType<typeof servedFiles>; // the files the gateway is configured with
  let intake: string;
  let admin: string;

  before(async () => {
    dir = tempDir('tls-listeners-');
    ca = makeCa(dir, 'test-ca');
    otherCa = makeCa(dir, 'other-ca');
    const first = makeCert(dir, ca, 'edge-gateway-1');
    served = servedFiles(dir);
    served.install(first);
    gw = await GatewayProcess.start({
      EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'),
      EDGE_GATEWAY_HTTP_TLS_CERT_FILE: served.cert,
      EDGE_GATEWAY_HTTP_TLS_KEY_FILE: served.key,
      EDGE_GATEWAY_ADMIN_TLS_CERT_FILE: served.cert,
      EDGE_GATEWAY_ADMIN_TLS_KEY_FILE: served.key,
    });
    intake = gw.url.replace('http:', 'https:');
    admin = gw.adminUrl.replace('http:', 'https:');
  });
  after(async () => {
    await gw?.stop();
  });

  it('serves intake and admin over TLS to a client that trusts the CA, with the days left in health', async () => {
    const posted = await httpsCall(`${intake}/v1/events`, { ca: ca.cert, method: 'POST', body: ndjson([makeEvent('tls-1', 'UTI-TLS', 0)]) });
    assert.equal(posted.status, 202);
    const health = await httpsCall(`${admin}/health/ready`, { ca: ca.cert });
    assert.equal(health.status, 200);
    assert.deepEqual(health.json.http.tls, { certificateDaysLeft: 29, clientCertificates: 'none', refusedHandshakes: 0 });
    assert.deepEqual(health.json.admin.tls, { certificateDaysLeft: 29, clientCertificates: 'none' });
  });

  it('the edge-gateway command reaches the admin listener over https:// with --ca, and not without it', async () => {
    const ok = await cli(['health', '--admin', admin, '--ca', ca.cert, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const refused = await cli(['health', '--admin', admin, '--ca', otherCa.cert]);
    assert.equal(refused.code, 3, 'unreachable: the certificate is not trusted');
    assert.match(refused.stderr, /cannot reach the admin listener at https:\/\/127\.0\.0\.1:\d+/);
  });

  it('is refused by a client that trusts another CA, and answers no plain HTTP', async () => {
    for (const url of [`${intake}/health/live`, `${admin}/health/live`]) {
      await assert.rejects(httpsCall(url, { ca: otherCa.cert }), (e: NodeJS.ErrnoException) => /UNABLE_TO_VERIFY|unable to verify/i.test(`${e.code} ${e.message}`), url);
    }
    await assert.rejects(fetch(`${gw.url}/health/live`), 'plain HTTP to the TLS port gets no answer');
  });

  it('SIGHUP serves a new certificate to new connections while an old connection finishes its request', async () => {
    const old = serialOf(served.cert);
    // An old connection, in the middle of a request: headers and half the body sent.
    const body = ndjson([makeEvent('tls-hup-1', 'UTI-TLS', 1)]);
    let oldSerial = '';
    let settle!: { resolve: (status: number) => void; reject: (err: Error) => void };
    const answer = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
    const pending = request(`${intake}/v1/events`, { method: 'POST', ca: readFileSync(ca.cert), agent: false, headers: { 'content-type': 'application/x-ndjson', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      oldSerial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      res.resume();
      res.on('end', () => settle.resolve(res.statusCode!));
    });
    pending.on('error', (err) => settle.reject(err));
    pending.write(body.slice(0, 40));
    await gw.waitFor('the old request to be in flight', async () => ((await httpsCall(`${admin}/health/ready`, { ca: ca.cert })).json.http.inFlightRequests === 1), { timeoutMs: 10_000 });

    const second = makeCert(dir, ca, 'edge-gateway-2', { days: 60 });
    served.install(second);
    process.kill(gw.pid, 'SIGHUP');
    await gw.waitFor('the reload', () => gw.logs.some((l) => l.msg === 'certificates reloaded'), { timeoutMs: 10_000 });

    const fresh = await httpsCall(`${intake}/health/ready`, { ca: ca.cert });
    assert.equal(fresh.serverSerial, serialOf(second.cert), 'a new connection gets the new certificate');
    assert.notEqual(fresh.serverSerial, old);
    assert.equal(fresh.json.http.tls.certificateDaysLeft, 59);
    pending.end(body.slice(40));
    assert.equal(await answer, 202, 'the old connection finished its request');
    assert.equal(oldSerial, old, 'on the certificate it started with');
    assert.equal((await httpsCall(`${intake}/v1/events/tls-hup-1`, { ca: ca.cert })).status, 200, 'stored; the WAL went on');
  });

  it('a reload with a broken key keeps the old certificate and says so', async () => {
    const before = (await httpsCall(`${intake}/health/live`, { ca: ca.cert })).serverSerial;
    copyFileSync(makeCert(dir, otherCa, 'mismatch').key, served.key); // a key that does not match the certificate
    process.kill(gw.pid, 'SIGHUP');
    await gw.waitFor('the failed reload', () => gw.logs.some((l) => l.msg === 'certificate reload failed; the listener keeps its old certificate'), { timeoutMs: 10_000 });
    assert.equal((await httpsCall(`${intake}/health/live`, { ca: ca.cert })).serverSerial, before);
    assert.match((await httpsCall(`${admin}/health/ready`, { ca: ca.cert })).json.certificates.lastReloadError, /do not make a usable pair/);
  });
});

describe('mutual TLS on intake: client certificates name senders', () => {
  let gw: GatewayProcess;
  let dir: string;
  let ca: CertFiles;
  let otherCa: CertFiles;
  let intake: string;

  before(async () => {
    dir = tempDir('mtls-');
    ca = makeCa(dir, 'test-ca');
    otherCa = makeCa(dir, 'other-ca');
    const server = makeCert(dir, ca, 'edge-gateway');
    gw = await GatewayProcess.start({
      EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'),
      EDGE_GATEWAY_HTTP_TLS_CERT_FILE: server.cert,
      EDGE_GATEWAY_HTTP_TLS_KEY_FILE: server.key,
      EDGE_GATEWAY_HTTP_TLS_CLIENT_CA_FILE: ca.cert,
      EDGE_GATEWAY_AUTH_SENDERS: '[{name: oms-1, clientCertificate: oms-1.senders.test, sources: [oms-1]}]',
    });
    intake = gw.url.replace('http:', 'https:');
  });
  after(async () => {
    await gw?.stop();
  });

  const post = (id: string, client?: CertFiles) =>
    httpsCall(`${intake}/v1/events`, { ca: ca.cert, method: 'POST', body: ndjson([makeEvent(id, 'UTI-MTLS', 0, { source: 'oms-1' })]), ...(client ? { client } : {}) });
  const storedBefore = async (id: string) => (await post(id, makeCert(dir, ca, 'oms-1.senders.test', { san: 'DNS:oms-1.senders.test', file: `probe-${id}` }))).json.results[0].status === 'duplicate';

  it('refuses a client without a certificate, and one whose certificate another CA signed; nothing stored', async () => {
    await assert.rejects(post('mtls-none'), 'no client certificate');
    await assert.rejects(post('mtls-other-ca', makeCert(dir, otherCa, 'oms-1.senders.test')), 'a certificate of another CA');
    assert.equal(await storedBefore('mtls-none'), false);
    assert.equal(await storedBefore('mtls-other-ca'), false);
    // The refused handshakes are counted and logged (no route saw them).
    const health = (await (await fetch(`${gw.adminUrl}/health/ready`)).json()) as any;
    assert.equal(health.http.tls.refusedHandshakes, 2);
    await gw.waitFor('the refusals logged', () => gw.logs.filter((l) => l.msg === 'TLS handshake refused').length === 2, { timeoutMs: 5_000 });
  });

  it("maps the certificate's subject to a sender (202), and answers 401 to a valid certificate that names no sender", async () => {
    const right = await post('mtls-right', makeCert(dir, ca, 'oms-1.senders.test', { san: 'DNS:oms-1.senders.test' }));
    assert.equal(right.status, 202);
    const unknown = await post('mtls-unknown', makeCert(dir, ca, 'someone-else.senders.test'));
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.error.code, 'unauthenticated');
    assert.equal(await storedBefore('mtls-unknown'), false);
  });
});
