import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GatewayProcess } from './gateway-process.js';

it('a gateway that exits at start-up fails the start at once, saying how it exited (not at the 60 s deadline)', async () => {
  const started = Date.now();
  await assert.rejects(GatewayProcess.start({ EDGE_GATEWAY_NO_SUCH_KEY: '1' }), (err: Error) => {
    assert.match(err.message, /exited with code 2/);
    assert.match(err.message, /EDGE_GATEWAY_NO_SUCH_KEY/, 'with its stderr');
    return true;
  });
  assert.ok(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`);
});
