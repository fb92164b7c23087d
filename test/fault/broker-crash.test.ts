import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { assertExactlyOnce, faultGatewayEnv, freePort } from '../support/fault-kit.js';
import { LoadSender } from '../support/load-sender.js';
import { brokerCtl, realBroker } from '../support/real-broker.js';

const EVENTS = 200_000;
const KILLS = 5;

it('broker SIGKILLed and restarted 5 times during 200,000 events: none missing, none duplicated, per-key order intact', async () => {
  const topic = `fault-broker-crash-${Date.now()}`;
  const port = await freePort();
  const env = { ...faultGatewayEnv(port, tempDir(), topic), EDGE_GATEWAY_FORWARDER_BREAKER_RESET_TIMEOUT_MS: '1000', EDGE_GATEWAY_FORWARDER_RETRY_MAX_MS: '2000' };
  let gateway = await GatewayProcess.start(env);
  // The service manager's part (systemd Restart=on-failure, README "Stopping and crashing"): a broker that loses
  // acknowledged-but-unflushed records on SIGKILL can make librdkafka's idempotent producer report
  // a fatal error (out-of-order sequence); the gateway then logs it, drains and exits 1, and is
  // started again on the same WAL, whose read-back keeps delivery exactly once. Any other exit fails.
  let fatalRestarts = 0;
  const supervised = async <T>(step: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await step();
      } catch (err) {
        const exit = gateway.child.exitCode === null ? undefined : await gateway.waitExit();
        const fatal = gateway.logs.some((l) => l.origin === 'kafka producer' && l.level === 60);
        if (exit?.code !== 1 || !fatal || fatalRestarts >= KILLS) throw err;
        fatalRestarts++;
        gateway = await GatewayProcess.start(env);
      }
    }
  };
  // Paced so the stream spans all five outages.
  const load = new LoadSender({ url: () => `http://127.0.0.1:${port}`, events: EVENTS, batch: 200, lanes: 8, keys: 400, rate: 3000, prefix: topic });
  const cursor = async () => (await gateway.ready()).delivery.deliveredCursor;
  try {
    for (let k = 0; k < KILLS; k++) {
      const before = await supervised(cursor);
      // Kill while records are in flight: deliveries must be advancing.
      await supervised(() => gateway.waitFor(`deliveries flowing before kill ${k + 1}`, async () => (await cursor()) >= before + 3000, { timeoutMs: 120_000 }));
      await brokerCtl('kill');
      await supervised(() => gateway.waitFor('the gateway to notice', async () => (await gateway.ready()).forwarder.breaker.state === 'open', { timeoutMs: 60_000 }));
      await brokerCtl('restart');
    }
    await supervised(() => gateway.waitFor('the load to be acknowledged', () => load.settled, { timeoutMs: 300_000, everyMs: 200 }));
    const result = await load.done;
    await supervised(() => gateway.waitFor('the WAL to drain', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 180_000 }));

    const records = await consumeAll(realBroker(), [topic], { timeoutMs: 120_000 });
    const { forwarder } = await gateway.ready();
    assertExactlyOnce('broker-crash', Array.from({ length: EVENTS }, (_, i) => `${topic}-${i}`), records, {
      sent: result.sent,
      acknowledged: result.acknowledged,
      brokerKills: KILLS,
      restartsAfterFatalProducerError: fatalRestarts,
      breakerOpened: forwarder.breaker.opened,
      readBacks: forwarder.readBacks,
      foundInKafkaOnReadBack: forwarder.recoveredByReadBack,
      responses: result.responses,
    });
    assert.equal(result.acknowledged, EVENTS);
    // While a restarted gateway was starting, senders saw refused connections (and re-sent); nothing else.
    assert.deepEqual(Object.keys(result.responses).filter((s) => s !== '202' && !(fatalRestarts > 0 && s === 'network')), [], 'intake never failed while the broker was down');
    assertPerKeyOrder(records);
  } finally {
    load.stop();
    await gateway.stop();
    await brokerCtl('restart'); // leave the broker up for the next test, whatever happened
  }
});
