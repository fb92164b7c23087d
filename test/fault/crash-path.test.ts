import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { assertPerKeyOrder, consumeAll } from '../support/consumer.js';
import { assertExactlyOnce, faultGatewayEnv, freePort } from '../support/fault-kit.js';
import { LoadSender } from '../support/load-sender.js';
import { realBroker } from '../support/real-broker.js';

const PROVOKE = fileURLToPath(new URL('../support/provoke-crash.mjs', import.meta.url));
const EVENTS = 20_000;

/**
 * A crash (an uncaught exception, an unhandled rejection, the forwarder's loop failing) takes the
 * same stop as SIGTERM: logged at fatal with its origin, the drain runs (intake closes, commits
 * finish, in-flight records are confirmed and recorded), exit 1. Then a restart on the same WAL, and
 * a real consumer finds every acknowledged event exactly once.
 */
describe('crash paths end the process through the drain, and lose nothing acknowledged', () => {
  for (const [kind, origin] of [
    ['uncaughtException', 'uncaughtException'],
    ['unhandledRejection', 'unhandledRejection'],
    ['forwarderLoop', 'forwarder'],
  ] as const) {
    it(`${kind}: fatal log, drain, exit 1, and after a restart every acknowledged event once`, async () => {
      const topic = `fault-crash-${kind}-${Date.now()}`;
      const port = await freePort();
      const env = faultGatewayEnv(port, tempDir(), topic);
      const first = await GatewayProcess.start({ ...env, PROVOKE_CRASH: kind }, { nodeArgs: ['--import', PROVOKE] });
      const load = new LoadSender({ url: () => `http://127.0.0.1:${port}`, events: EVENTS, batch: 100, lanes: 4, keys: 200, rate: 4000, prefix: topic });
      let second: GatewayProcess | undefined;
      try {
        await first.waitFor('events flowing in and out', async () => load.result.acknowledged >= 5000 && (await first.ready()).delivery.deliveredCursor > 0, { timeoutMs: 60_000 });
        first.child.kill('SIGUSR2');
        const exit = await first.waitExit();
        const acknowledgedBeforeRestart = load.result.acknowledged;
        assert.deepEqual(exit, { code: 1, signal: null }, 'a crash exits 1 (so systemd restarts it), not by a signal');
        const fatal = first.logs.find((l) => l.level === 60 && l.origin === origin);
        assert.ok(fatal, `a fatal line names the origin ${origin}`);
        const stopped = first.logs.find((l) => l.stop !== undefined && Array.isArray(l.forced));
        assert.ok(stopped, 'the drain ran to its end');
        const forwarder = first.logs.find((l) => l.component === 'forwarder' && l.stop !== undefined);
        assert.equal(forwarder?.unconfirmed, 0, 'in-flight records were confirmed before exit');

        second = await GatewayProcess.start(env);
        const s = second;
        await s.waitFor('the load to be acknowledged', () => load.settled, { timeoutMs: 120_000, everyMs: 100 });
        const result = await load.done;
        await s.waitFor('the WAL to drain', async () => (await s.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });
        const records = await consumeAll(realBroker(), [topic], { timeoutMs: 60_000 });
        assertExactlyOnce(`crash-path ${kind}`, Array.from({ length: EVENTS }, (_, i) => `${topic}-${i}`), records, {
          sent: result.sent,
          acknowledged: result.acknowledged,
          acknowledgedBeforeCrash: acknowledgedBeforeRestart,
          exit,
        });
        assert.equal(result.acknowledged, EVENTS);
        assertPerKeyOrder(records);
      } finally {
        load.stop();
        await first.kill('SIGKILL');
        await second?.stop();
      }
    });
  }
});
