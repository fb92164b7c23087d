import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { tradeCaptureReport } from '../../bench/fix-messages.js';
import { FixTestClient, tag } from '../support/fix-client.js';
import { freePort } from '../support/fault-kit.js';
import { fixEnv } from '../support/fix-gateway.js';

const REPORTS = 300;
const RATE = 100; // events per second
const BURST = 50;

it(`a FIX session bound to a sender (fix.sessions[].sender): its events carry the sender, its ${RATE} events/s pause reading (TCP backpressure), nothing rejected`, async () => {
  const port = await freePort();
  const wal = join(tempDir('fix-sender-'), 'wal.db');
  const gw = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: wal,
    EDGE_GATEWAY_AUTH_SENDERS: `[{name: oms, tokenSha256: ${'a'.repeat(64)}, sources: ['fix:OMS1'], eventsPerSecond: ${RATE}, burstEvents: ${BURST}}]`,
    ...fixEnv(port, { heartBtIntS: 30, sender: 'oms' }),
  });
  const c = await FixTestClient.connect(port);
  try {
    c.logon(30);
    await c.expect('A');
    const startedAt = Date.now();
    for (let i = 0; i < REPORTS; i++) c.send('AE', tradeCaptureReport(`RATE-${i}`));
    await gw.waitFor(`${REPORTS} ARs`, () => c.received.filter((m) => tag(m, 35) === 'AR').length >= REPORTS, { timeoutMs: 30_000 });
    const elapsedMs = Date.now() - startedAt;
    const ars = c.received.filter((m) => tag(m, 35) === 'AR');
    assert.ok(ars.every((m) => tag(m, 939) === '0'), 'no report rejected over the rate');
    assert.ok(!c.received.some((m) => ['j', '3', '5'].includes(tag(m, 35)!)), 'no reject, no logout');
    // The burst passes at once, the rest at the rate: at least (REPORTS - BURST) / RATE seconds.
    const floorMs = ((REPORTS - BURST) / RATE) * 1000;
    assert.ok(elapsedMs >= floorMs * 0.9, `took ${elapsedMs} ms, the rate allows no less than ${floorMs} ms`);
    assert.ok(gw.logs.some((l) => l.msg === 'FIX input paused: the sender is over its eventsPerSecond'));
    const db = new BetterSqlite3(wal, { readonly: true, fileMustExist: true });
    try {
      const senders = db.prepare("SELECT sender, count(*) AS n FROM events WHERE event_id LIKE 'fix-OMS1-RATE-%' GROUP BY sender").all();
      assert.deepEqual(senders, [{ sender: 'oms', n: REPORTS }], 'every event stored with its sender (the Kafka header `sender`)');
    } finally {
      db.close();
    }
  } finally {
    c.close();
    await gw.stop();
  }
});
