import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { assertExactlyOnce } from '../support/fault-kit.js';
import { GatewayProcess, tempDir } from '../support/gateway-process.js';
import { LoadSender } from '../support/load-sender.js';
import { brokerCtl, realBroker } from '../support/real-broker.js';
import { waitFor } from '../support/wait-for.js';

const EVENTS = 200_000;
const KILLS = 5;

it('broker SIGKILLed and restarted 5 times during 200,000 events: none missing, none duplicated, per-key order intact', async () => {
  const topic = `fault-broker-crash-${Date.now()}`;
  const gateway = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_KAFKA_DEFAULT_TOPIC: topic,
    EDGE_GATEWAY_FORWARDER_BREAKER_RESET_TIMEOUT_MS: '1000',
    EDGE_GATEWAY_FORWARDER_RETRY_MAX_MS: '2000',
  });
  // Paced so the stream spans all five outages.
  const load = new LoadSender({ url: () => gateway.url, events: EVENTS, batch: 200, lanes: 8, keys: 400, rate: 3000, prefix: topic });
  const cursor = async () => (await gateway.ready()).wal.deliveredCursor as number;
  try {
    for (let k = 0; k < KILLS; k++) {
      const before = await cursor();
      // Kill while records are in flight: deliveries must be advancing.
      await waitFor(`deliveries flowing before kill ${k + 1}`, async () => (await cursor()) >= before + 3000, 120_000);
      await brokerCtl('kill');
      await waitFor('the gateway to notice', async () => (await gateway.ready()).kafka.breaker === 'open', 60_000);
      await brokerCtl('restart');
    }
    const result = await load.done;
    await waitFor('the WAL to drain', async () => (await gateway.ready()).wal.pendingEvents === 0, 180_000);

    const records = await consumeAll(realBroker(), [topic], EVENTS, { timeoutMs: 120_000, settleMs: 2000 });
    const opened = gateway.logs.filter((l) => l.msg === 'circuit breaker open: forwarding paused').length;
    const reconciled = gateway.logs.filter((l) => l.msg === 'reconciled the WAL with kafka');
    assertExactlyOnce('broker-crash', Array.from({ length: EVENTS }, (_, i) => `${topic}-${i}`), records, {
      sent: result.sent,
      acknowledged: result.acknowledged,
      brokerKills: KILLS,
      breakerOpened: opened,
      readBacks: reconciled.length,
      foundInKafkaOnReadBack: reconciled.reduce((n, l) => n + Number(l.alreadyInKafka), 0),
      responses: result.responses,
    });
    assert.equal(result.acknowledged, EVENTS);
    assert.equal(Object.keys(result.responses).filter((s) => s !== '202').length, 0, 'intake never failed while the broker was down');
    assertPerKeyOrder(records);
  } finally {
    load.stop();
    await gateway.kill('SIGTERM');
    await brokerCtl('restart'); // leave the broker up for the next test, whatever happened
  }
});
