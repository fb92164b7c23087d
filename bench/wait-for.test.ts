import assert from 'node:assert/strict';
import { it } from 'node:test';
import { waitFor } from './wait-for.js';

it('returns the first truthy value of the check', async () => {
  let n = 0;
  assert.equal(await waitFor('n to reach 3', () => ++n >= 3 && n, { everyMs: 1 }), 3);
});

it('throws an error of the check at once, unless told to retry', async () => {
  const started = Date.now();
  await assert.rejects(waitFor('x', () => { throw new Error('refused'); }, { timeoutMs: 5_000 }), /^Error: refused$/);
  assert.ok(Date.now() - started < 1_000);
  let n = 0;
  const v = await waitFor('x', () => {
    if (++n < 3) throw new Error('refused');
    return n;
  }, { everyMs: 1, retryErrors: true });
  assert.equal(v, 3);
  await assert.rejects(
    waitFor('the gateway', () => { throw new Error('refused'); }, { timeoutMs: 20, everyMs: 1, retryErrors: true }),
    /timed out after 20 ms waiting for the gateway; last error: refused/,
  );
});

it('throws what failFast returns at once', async () => {
  const started = Date.now();
  let rounds = 0;
  await assert.rejects(
    waitFor('never', () => false, { timeoutMs: 5_000, everyMs: 1, failFast: () => (++rounds === 3 ? new Error('exited') : undefined) }),
    /^Error: exited$/,
  );
  assert.ok(Date.now() - started < 1_000);
  assert.equal(rounds, 3);
});
