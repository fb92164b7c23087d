import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { FixTestClient, show, tag } from '../support/fix-client.js';
import { freePort } from '../support/fault-kit.js';
import { fixEnv, fixHealth } from '../support/fix-gateway.js';
import { tradeCaptureReport } from '../../bench/fix-messages.js';

// Scripted FIX sessions over TCP against the real gateway process: what the counterparty sends,
// message by message, and what the gateway must answer (FIX 4.4 Vol. 2 session rules).
describe('FIX acceptor over TCP', () => {
  let gw: GatewayProcess;
  let port: number;
  let walPath: string;
  const clients: FixTestClient[] = [];
  const client = async (ids?: { sender: string; target: string }) => {
    const c = await FixTestClient.connect(port, ids);
    clients.push(c);
    return c;
  };
  /** Logs on with a reset, so each test starts at seq 1 whatever the previous one left. */
  const fresh = async (hb = 30) => {
    // One connection per session: the previous test's goes first.
    for (const old of clients) old.close();
    await gw.waitFor('the session to be free', async () => (await fixHealth(gw)).sessions[0]!.state === 'disconnected');
    const c = await client();
    c.logon(hb, [{ tag: 141, value: 'Y' }]);
    await c.expect('A');
    return c;
  };
  const start = async () => {
    gw = await GatewayProcess.start({
      EDGE_GATEWAY_WAL_PATH: walPath,
      ...fixEnv(port, { heartBtIntS: 60 }),
      // A second session that may only log on from elsewhere.
      EDGE_GATEWAY_FIX_SESSIONS: JSON.stringify([
        { senderCompId: 'GATEWAY', targetCompId: 'OMS1', heartBtIntS: 60 },
        { senderCompId: 'GATEWAY', targetCompId: 'OMS2', allowedAddresses: ['192.0.2.1'] },
      ]),
    });
  };

  before(async () => {
    port = await freePort();
    walPath = join(tempDir('fix-tcp-'), 'wal.db');
    await start();
  });
  after(async () => {
    for (const c of clients) c.close();
    await gw?.stop();
  });

  it('logon, then a TradeCaptureReport acknowledged (AR accepted) only once it is in the WAL', async () => {
    const c = await fresh();
    c.send('AE', tradeCaptureReport('TCP-1'));
    const ar = await c.expect('AR');
    assert.equal(tag(ar, 571), 'TCP-1');
    assert.equal(tag(ar, 939), '0', show(ar));
    const res = await fetch(`${gw.url}/v1/events/fix-OMS1-TCP-1`);
    assert.equal(res.status, 200);
    c.send('5');
    await c.expect('5');
    await c.closedBy();
  });

  it('a report sent again (PossResend, new seq) is acknowledged but stored once', async () => {
    const c = await fresh();
    c.send('AE', tradeCaptureReport('TCP-DUP'));
    assert.equal(tag(await c.expect('AR'), 939), '0');
    const lastSeq = (await gw.ready()).wal.lastSeq;
    c.send('AE', tradeCaptureReport('TCP-DUP'), { header: [{ tag: 97, value: 'Y' }] });
    const again = await c.expect('AR');
    assert.equal(tag(again, 939), '0');
    assert.match(tag(again, 58)!, /duplicate/);
    assert.equal((await gw.ready()).wal.lastSeq, lastSeq, 'not stored twice');
  });

  it('an invalid report gets AR rejected (939=1, 751=99) with the errors in Text; nothing stored', async () => {
    const c = await fresh();
    c.send('AE', tradeCaptureReport('TCP-BAD', { omit: [20001] }));
    const ar = await c.expect('AR');
    assert.equal(tag(ar, 939), '1');
    assert.equal(tag(ar, 751), '99');
    assert.match(tag(ar, 58)!, /\$\.payload\.uti missing_fix_field/);
    assert.equal((await fetch(`${gw.url}/v1/events/fix-OMS1-TCP-BAD`)).status, 404);
    // A Replace without the explicit action type: FIX cannot tell MODI from CORR.
    c.send('AE', tradeCaptureReport('TCP-R', { transType: '2' }));
    assert.match(tag(await c.expect('AR'), 58)!, /action_type_required/);
  });

  it('an amendment (Replace, ActionType MODI, EventDate tag) of an acknowledged trade is accepted and stored', async () => {
    const c = await fresh();
    const at = Date.now(); // a MODI keeps the execution time
    c.send('AE', tradeCaptureReport('TCP-LC', { at }));
    assert.equal(tag(await c.expect('AR'), 939), '0');
    const today = new Date(at).toISOString().slice(0, 10).replaceAll('-', '');
    c.send('AE', tradeCaptureReport('TCP-LC-M', { transType: '2', action: 'MODI', eventDate: today, utiOf: 'TCP-LC', at }));
    const ar = await c.expect('AR');
    assert.equal(tag(ar, 939), '0', show(ar));
    const res = await fetch(`${gw.url}/v1/events/fix-OMS1-TCP-LC-M`);
    assert.equal(res.status, 200);
  });

  it('a gap gets one ResendRequest; the gap filled, the queued message is processed in order', async () => {
    const c = await fresh();
    c.send('AE', tradeCaptureReport('GAP-3'), { seq: 3 });
    const rr = await c.expect('2');
    assert.equal(tag(rr, 7), '2');
    assert.equal(tag(rr, 16), '0');
    c.send('AE', tradeCaptureReport('GAP-2'), { seq: 2 });
    assert.equal(tag(await c.expect('AR'), 571), 'GAP-2');
    assert.equal(tag(await c.expect('AR'), 571), 'GAP-3');
  });

  it('a garbled message is dropped without consuming its seq', async () => {
    const c = await fresh();
    c.send('1', [{ tag: 112, value: 'dropped' }], { seq: 2 });
    // A corrupted message between: a wrong checksum.
    const bad = Buffer.from('8=FIX.4.4\x019=5\x0135=0\x0110=000\x01', 'latin1');
    c.socket.write(bad);
    c.send('1', [{ tag: 112, value: 'after' }], { seq: 3 });
    assert.equal(tag(await c.expect('0'), 112), 'dropped', 'the message before is answered');
    assert.equal(tag(await c.expect('0'), 112), 'after', 'seq 3 was expected: the garbled frame consumed nothing');
  });

  it('MsgSeqNum too low without PossDupFlag: Logout and disconnect', async () => {
    const c = await fresh();
    c.send('0', [], { seq: 2 });
    c.send('0', [], { seq: 2 });
    const rest = await c.closedBy();
    assert.equal(rest.length, 1);
    assert.equal(tag(rest[0]!, 35), '5');
    assert.match(tag(rest[0]!, 58)!, /MsgSeqNum too low, expecting 3 but received 2/);
  });

  it('SequenceReset in both modes moves the expected seq', async () => {
    const c = await fresh();
    c.send('4', [{ tag: 123, value: 'Y' }, { tag: 36, value: '10' }], { seq: 2 });
    c.send('4', [{ tag: 36, value: '20' }], { seq: 999 });
    c.send('1', [{ tag: 112, value: 'at-20' }], { seq: 20 });
    assert.equal(tag(await c.expect('0'), 112), 'at-20');
    assert.equal((await fixHealth(gw)).sessions[0]!.nextTargetSeq, 21);
  });

  it('heartbeats while the counterparty talks; a TestRequest after its silence, then disconnect', async () => {
    const c = await fresh(1);
    // The counterparty keeps talking (heartbeats every 300 ms) for 2.5 s: the gateway heartbeats too.
    for (let t = 0; t < 8; t++) {
      c.send('0');
      await new Promise((r) => setTimeout(r, 300));
    }
    const talking = c.received.slice(1).map((m) => tag(m, 35));
    assert.ok(talking.includes('0'), `a Heartbeat expected, got ${talking}`);
    assert.ok(!talking.includes('1'), `no TestRequest while the counterparty talks, got ${talking}`);
    const silent = (await c.closedBy(10_000)).map((m) => tag(m, 35));
    assert.ok(silent.includes('1'), `a TestRequest expected once silent, got ${silent}`);
  });

  it('a second Logon for a live session, unknown CompIDs, a peer address not allowed: disconnected without a reply', async () => {
    const c = await fresh();
    const twin = await client();
    twin.logon();
    assert.deepEqual(await twin.closedBy(), []);
    const stranger = await client({ sender: 'NOBODY', target: 'GATEWAY' });
    stranger.logon();
    assert.deepEqual(await stranger.closedBy(), []);
    const elsewhere = await client({ sender: 'OMS2', target: 'GATEWAY' });
    elsewhere.logon();
    assert.deepEqual(await elsewhere.closedBy(), [], 'an address not in allowedAddresses');
    assert.ok(gw.logs.some((l) => /address 127\.0\.0\.1 not allowed for GATEWAY->OMS2/.test(String(l.msg))));
    c.send('1', [{ tag: 112, value: 'still' }]);
    assert.equal(tag(await c.expect('0'), 112), 'still');
  });

  it('restart mid-session: SIGTERM sends Logout; sequence numbers resume from disk; resend from the store', async () => {
    const c = await fresh();
    c.send('AE', tradeCaptureReport('RS-1'));
    await c.expect('AR'); // our seq 2
    const stopping = gw.stop();
    const logout = await c.expect('5');
    assert.match(tag(logout, 58)!, /shutting down/);
    c.send('5');
    assert.equal((await stopping).code, 0);
    await start();
    const again = await client();
    again.seq = 4;
    again.logon(30);
    const a = await again.expect('A');
    assert.equal(tag(a, 34), '4', 'our seqs resumed: Logon 1, AR 2, Logout 3, now 4');
    // Ask for the AR again: it comes from the store with PossDupFlag and OrigSendingTime.
    again.send('2', [{ tag: 7, value: '1' }, { tag: 16, value: '3' }]);
    const gapFill = await again.expect('4');
    assert.equal(tag(gapFill, 123), 'Y');
    const ar = await again.expect('AR');
    assert.equal(tag(ar, 43), 'Y');
    assert.ok(tag(ar, 122));
    assert.equal(tag(ar, 571), 'RS-1');
    assert.equal(tag(await again.expect('4'), 36), '4');
  });
});
