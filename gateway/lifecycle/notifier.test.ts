import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Notifier } from './notifier.js';

const within = (p: Promise<void>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);

it('keeps a notify made while nobody waits for the next wait, once', async () => {
  const n = new Notifier();
  n.notify();
  assert.equal(await within(n.wait(60_000), 1_000), true, 'the earlier notify wakes this wait');
  assert.equal(await within(n.wait(1_000), 200), false, 'only once');
});

it('wakes a waiter on notify and otherwise after its timeout', async () => {
  const n = new Notifier();
  const woken = n.wait(60_000);
  n.notify();
  assert.equal(await within(woken, 1_000), true);
  assert.equal(await within(n.wait(50), 1_000), true, 'the timeout ends a wait nobody notified');
});
