import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../../bench/wait-for.js';
import { EventLoopMonitor } from './event-loop-monitor.js';

describe('event-loop monitor', () => {
  it('shows a stall of the event loop in its window and as the worst since start', async () => {
    const m = new EventLoopMonitor({ windowMs: 100 });
    m.start();
    try {
      await new Promise((r) => setTimeout(r, 30));
      const t = Date.now();
      while (Date.now() - t < 150); // hold the loop as a long synchronous scan would
      await waitFor('the window with the stall to close', () => {
        const d = (m.health() as { delayMs: { maxMs: number; worstMs: number } }).delayMs;
        return d.worstMs >= 100;
      }, { timeoutMs: 2000, everyMs: 20 });
      const d = (m.health() as { delayMs: { worstMs: number; worstAt: string | null } }).delayMs;
      assert.ok(d.worstMs < 1000, `worst ${d.worstMs} ms`);
      assert.ok(d.worstAt !== null);
    } finally {
      await m.stop();
    }
  });
});
