import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ProcessSupervisor, type StopReport } from './process-supervisor.js';

const log = pino({ level: 'silent' });

/** A supervisor whose exit is recorded, not taken, around a target whose stop the test settles. */
function harness(deadlineMs = 60_000) {
  const exits: number[] = [];
  const stops: number[] = [];
  let finish!: (r: StopReport) => void;
  const supervisor = new ProcessSupervisor({ deadlineMs, log, exit: (code) => void exits.push(code) }).install();
  supervisor.attach({
    stop: (deadline) => {
      stops.push(deadline);
      return new Promise((resolve) => (finish = resolve));
    },
  });
  return { supervisor, exits, stops, finish: (r: StopReport) => finish(r) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('process supervisor: one way to end the process', () => {
  let current: ProcessSupervisor | undefined;
  afterEach(() => current?.uninstall());

  it('SIGTERM stops the gateway by the deadline; a clean stop exits 0', async () => {
    const h = harness(5000);
    current = h.supervisor;
    const before = Date.now();
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(h.stops.length, 1);
    assert.ok(h.stops[0]! >= before + 5000 && h.stops[0]! <= Date.now() + 5000, 'the deadline is now + deadlineMs');
    assert.deepEqual(h.exits, [], 'not before the stop ends');
    h.finish({ outcome: 'clean', forced: [] });
    await settle();
    assert.deepEqual(h.exits, [0]);
  });

  it('a forced stop exits 1', async () => {
    const h = harness();
    current = h.supervisor;
    process.emit('SIGINT', 'SIGINT');
    h.finish({ outcome: 'forced', forced: ['http'] });
    await settle();
    assert.deepEqual(h.exits, [1]);
  });

  it('a second signal exits 1 at once, without waiting for the stop', () => {
    const h = harness();
    current = h.supervisor;
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    assert.deepEqual(h.exits, [1]);
    assert.equal(h.stops.length, 1, 'the stop was begun once');
  });

  // Real uncaught exceptions and unhandled rejections: test/fault/crash-path.test.ts provokes them in a running gateway.
  it('a crash takes the same stop, and a crash during the stop changes nothing: one stop, exit 1 even when it was clean', async () => {
    const h = harness();
    current = h.supervisor;
    h.supervisor.crash(new Error('loop'), 'forwarder');
    h.supervisor.crash(new Error('again'), 'forwarder');
    assert.equal(h.stops.length, 1);
    assert.deepEqual(h.exits, []);
    h.finish({ outcome: 'clean', forced: [] });
    await settle();
    assert.deepEqual(h.exits, [1]);
  });

  it('a crash during a SIGTERM drain makes the exit non-zero even when the stop ends clean', async () => {
    const h = harness();
    current = h.supervisor;
    process.emit('SIGTERM', 'SIGTERM');
    h.supervisor.crash(new Error('during the drain'), 'forwarder');
    assert.equal(h.stops.length, 1, 'still one stop');
    h.finish({ outcome: 'clean', forced: [] });
    await settle();
    assert.deepEqual(h.exits, [1]);
  });

  it('a stop that never ends is ended by the watchdog at the deadline + 1 s, exit 1', async () => {
    const h = harness(50);
    current = h.supervisor;
    process.emit('SIGTERM', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepEqual(h.exits, [1]);
  });

  it('before a gateway is attached, a crash exits 1 at once', () => {
    const exits: number[] = [];
    current = new ProcessSupervisor({ deadlineMs: 1000, log, exit: (code) => void exits.push(code) }).install();
    current.crash(new Error('start-up'), 'uncaughtException');
    assert.deepEqual(exits, [1]);
  });
});
