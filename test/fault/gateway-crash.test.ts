import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { assertExactlyOnce, freePort } from '../support/fault-kit.js';
import { GatewayProcess, tempDir } from '../support/gateway-process.js';
import { LoadSender } from '../support/load-sender.js';
import { realBroker } from '../support/real-broker.js';
import { waitFor } from '../support/wait-for.js';

const EVENTS = 200_000;
const KILLS = 10;

it('gateway SIGKILLed 10 times during 200,000 events: every acknowledged event is in Kafka exactly once, in per-key order', async () => {
  const topic = `fault-gateway-crash-${Date.now()}`;
  const port = await freePort();
  const env = {
    EDGE_GATEWAY_HTTP_LISTEN: `127.0.0.1:${port}`,
    EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_KAFKA_DEFAULT_TOPIC: topic,
  };
  let gateway = await GatewayProcess.start(env);
  const lives = [gateway];
  // Paced so the stream spans all the kills; each lane re-sends a batch until it is acknowledged.
  const load = new LoadSender({ url: () => `http://127.0.0.1:${port}`, events: EVENTS, batch: 200, lanes: 8, keys: 400, rate: 5000, prefix: topic });
  try {
    for (let k = 0; k < KILLS; k++) {
      const before = load.result.acknowledged;
      // Kill while events flow both in (requests) and out (deliveries not yet recorded).
      await waitFor(`events acknowledged by life ${k + 1}`, () => load.result.acknowledged >= before + 4000, 60_000);
      const exit = await gateway.kill('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');
      gateway = await GatewayProcess.start(env);
      lives.push(gateway);
    }
    const result = await load.done;
    await waitFor('the WAL to drain', async () => (await gateway.ready()).wal.pendingEvents === 0, 120_000);

    const records = await consumeAll(realBroker(), [topic], EVENTS, { timeoutMs: 120_000, settleMs: 2000 });
    const reconciled = lives.flatMap((g) => g.logs.filter((l) => l.msg === 'reconciled the WAL with kafka'));
    const alreadyInKafka = reconciled.reduce((n, l) => n + Number(l.alreadyInKafka), 0);
    assertExactlyOnce('gateway-crash', Array.from({ length: EVENTS }, (_, i) => `${topic}-${i}`), records, {
      sent: result.sent,
      acknowledged: result.acknowledged,
      kills: KILLS,
      refusedConnections: result.responses.network ?? 0,
      foundInKafkaAtRestart: alreadyInKafka,
    });
    assert.equal(result.acknowledged, EVENTS);
    // The crashes did leave deliveries unrecorded, and the restarts found them instead of re-sending.
    assert.ok(alreadyInKafka > 0, 'some deliveries were found by reading back after a crash');
    assertPerKeyOrder(records);
  } finally {
    load.stop();
    await gateway.kill('SIGTERM');
  }
});
