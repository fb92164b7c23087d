import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { FixTestClient, tag } from '../support/fix-client.js';
import { freePort } from '../support/fault-kit.js';
import { fixEnv, fixHealth } from '../support/fix-gateway.js';
import { tradeCaptureReport } from '../../bench/fix-messages.js';

it('at the WAL budget the acceptor stops reading (TCP backpressure): no report is rejected, heartbeats keep the session', async () => {
  const port = await freePort();
  // Kafka unreachable (nothing listens there): accepted events stay pending, so the budget fills.
  const gw = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: join(tempDir('fix-bp-'), 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
    EDGE_GATEWAY_WAL_BUDGET_MAX_PENDING_EVENTS: '300',
    ...fixEnv(port, { heartBtIntS: 1 }),
  });
  const c = await FixTestClient.connect(port);
  try {
    c.logon(1);
    await c.expect('A');
    for (let i = 0; i < 3000; i++) c.send('AE', tradeCaptureReport(`BP-${i}`));
    await gw.waitFor('intake to pause', async () => (await gw.ready()).budget.intake === 'paused', { timeoutMs: 30_000 });
    // Several heartbeat intervals pass while the gateway does not read.
    const before = c.received.length;
    await gw.waitFor('heartbeats while paused', () => c.received.slice(before).filter((m) => tag(m, 35) === '0').length >= 3, { timeoutMs: 15_000 });
    const health = await fixHealth(gw);
    assert.equal(health.sessions[0]!.state, 'active', 'the session stays up');
    assert.equal(c.closed, false);
    const ars = c.received.filter((m) => tag(m, 35) === 'AR');
    assert.ok(ars.length >= 300 && ars.length < 3000, `some acknowledged, not all: ${ars.length}`);
    assert.ok(ars.every((m) => tag(m, 939) === '0'), 'no report rejected at the budget');
    assert.ok(!c.received.some((m) => ['j', '3', '5'].includes(tag(m, 35)!)), 'no reject, no logout');
    assert.ok(gw.logs.some((l) => l.msg === 'FIX input paused: the WAL is at its budget'));
  } finally {
    c.close();
    await gw.stop();
  }
});
