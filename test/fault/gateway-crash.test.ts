import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { assertExactlyOnce, faultGatewayEnv, freePort } from '../support/fault-kit.js';
import { LoadSender } from '../support/load-sender.js';
import { realBroker } from '../support/real-broker.js';

const EVENTS = 200_000;
const KILLS = 10;

it('gateway SIGKILLed 10 times during 200,000 events, each time with requests on its intake threads and records in flight to Kafka: every acknowledged event is in Kafka exactly once, in per-key order', async () => {
  const topic = `fault-gateway-crash-${Date.now()}`;
  const port = await freePort();
  const env = faultGatewayEnv(port, tempDir(), topic);
  let gateway = await GatewayProcess.start(env);
  // Each life counts its own read-backs from zero: add up what each reported last.
  const readBack = { readBacks: 0, recovered: 0 };
  const busyAtKill: Array<{ intake: number; inFlight: number }> = [];
  const tally = async () => {
    const { forwarder } = await gateway.ready();
    readBack.readBacks += forwarder.readBacks;
    readBack.recovered += forwarder.recoveredByReadBack;
  };
  // Paced so the stream spans all the kills; each lane re-sends a batch until it is acknowledged.
  const load = new LoadSender({ url: () => `http://127.0.0.1:${port}`, events: EVENTS, batch: 200, lanes: 8, keys: 400, rate: 5000, prefix: topic });
  try {
    for (let k = 0; k < KILLS; k++) {
      const before = load.result.acknowledged;
      await gateway.waitFor(`events acknowledged by life ${k + 1}`, () => load.result.acknowledged >= before + 4000, { timeoutMs: 60_000 });
      await tally();
      // Kill while both threads of work are busy: requests on the intake threads (parsing and
      // validating) and records in flight to Kafka (deliveries not yet recorded).
      const busy = await gateway.waitFor(`life ${k + 1}: intake threads and forwarder busy at once`, async () => {
        const r = (await gateway.ready()) as unknown as { intakeThreads: { requests: { small: number; large: number } }; forwarder: { inFlight: number } };
        const intake = r.intakeThreads.requests.small + r.intakeThreads.requests.large;
        return intake > 0 && r.forwarder.inFlight > 0 ? { intake, inFlight: r.forwarder.inFlight } : undefined;
      }, { timeoutMs: 60_000, everyMs: 5 });
      busyAtKill.push(busy);
      const exit = await gateway.kill('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');
      gateway = await GatewayProcess.start(env);
    }
    await gateway.waitFor('the load to be acknowledged', () => load.settled, { timeoutMs: 300_000, everyMs: 200 });
    const result = await load.done;
    await gateway.waitFor('the WAL to drain', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 120_000 });
    await tally();

    const records = await consumeAll(realBroker(), [topic], { timeoutMs: 120_000 });
    assertExactlyOnce('gateway-crash', Array.from({ length: EVENTS }, (_, i) => `${topic}-${i}`), records, {
      sent: result.sent,
      acknowledged: result.acknowledged,
      kills: KILLS,
      refusedConnections: result.responses.network ?? 0,
      readBacks: readBack.readBacks,
      foundInKafkaAtRestart: readBack.recovered,
      busyAtKill,
    });
    assert.equal(result.acknowledged, EVENTS);
    // The crashes did leave deliveries unrecorded, and the restarts found them instead of re-sending.
    assert.ok(readBack.recovered > 0, 'some deliveries were found by reading back after a crash');
    assertPerKeyOrder(records);
  } finally {
    load.stop();
    await gateway.stop();
  }
});
