import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { assertExactlyOnce } from '../support/fault-kit.js';
import { LoadSender } from '../support/load-sender.js';
import { brokerCtl, realBroker } from '../support/real-broker.js';

const EVENTS = 200_000;
const KILLS = 5;

it('broker SIGKILLed and restarted 5 times during 200,000 events: none missing, none duplicated, per-key order intact', async () => {
  const topic = `fault-broker-crash-${Date.now()}`;
  const gateway = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
    EDGE_GATEWAY_FORWARDER_BREAKER_RESET_TIMEOUT_MS: '1000',
    EDGE_GATEWAY_FORWARDER_RETRY_MAX_MS: '2000',
  });
  // Paced so the stream spans all five outages.
  const load = new LoadSender({ url: () => gateway.url, events: EVENTS, batch: 200, lanes: 8, keys: 400, rate: 3000, prefix: topic });
  const cursor = async () => (await gateway.ready()).delivery.deliveredCursor;
  try {
    for (let k = 0; k < KILLS; k++) {
      const before = await cursor();
      // Kill while records are in flight: deliveries must be advancing.
      await gateway.waitFor(`deliveries flowing before kill ${k + 1}`, async () => (await cursor()) >= before + 3000, { timeoutMs: 120_000 });
      await brokerCtl('kill');
      await gateway.waitFor('the gateway to notice', async () => (await gateway.ready()).forwarder.breaker.state === 'open', { timeoutMs: 60_000 });
      await brokerCtl('restart');
    }
    await gateway.waitFor('the load to be acknowledged', () => load.settled, { timeoutMs: 300_000, everyMs: 200 });
    const result = await load.done;
    await gateway.waitFor('the WAL to drain', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 180_000 });

    const records = await consumeAll(realBroker(), [topic], { timeoutMs: 120_000 });
    const { forwarder } = await gateway.ready();
    assertExactlyOnce('broker-crash', Array.from({ length: EVENTS }, (_, i) => `${topic}-${i}`), records, {
      sent: result.sent,
      acknowledged: result.acknowledged,
      brokerKills: KILLS,
      breakerOpened: forwarder.breaker.opened,
      readBacks: forwarder.readBacks,
      foundInKafkaOnReadBack: forwarder.recoveredByReadBack,
      responses: result.responses,
    });
    assert.equal(result.acknowledged, EVENTS);
    assert.equal(Object.keys(result.responses).filter((s) => s !== '202').length, 0, 'intake never failed while the broker was down');
    assertPerKeyOrder(records);
  } finally {
    load.stop();
    await gateway.stop();
    await brokerCtl('restart'); // leave the broker up for the next test, whatever happened
  }
});
