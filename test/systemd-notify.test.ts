import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { waitFor } from '../bench/wait-for.js';

const BLOCKER = fileURLToPath(new URL('./support/block-loop-on-signal.mjs', import.meta.url));
const WATCHDOG_USEC = 1_000_000; // pings every 500 ms: loose enough for a loaded machine
const BLOCK_MS = 3000;

interface Received {
  at: number;
  text: string;
}

/** A NOTIFY_SOCKET of our own, as systemd would bind it: every datagram with the time it came. */
function notifySocket(path: string): { messages: Received[]; close: () => void } {
  const dgram = createRequire(import.meta.url)('unix-dgram') as {
    createSocket(type: 'unix_dgram', listener: (buf: Buffer) => void): { bind(path: string): void; close(): void };
  };
  const messages: Received[] = [];
  const socket = dgram.createSocket('unix_dgram', (buf) => messages.push({ at: Date.now(), text: buf.toString() }));
  socket.bind(path);
  return { messages, close: () => socket.close() };
}

it('systemd notify: READY=1 with STATUS once listening, WATCHDOG=1 from the event loop (a blocked loop stops it), STOPPING=1 on drain', async () => {
  const dir = tempDir();
  const sock = notifySocket(join(dir, 'notify.sock'));
  const gateway = await GatewayProcess.start(
    { EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'), NOTIFY_SOCKET: join(dir, 'notify.sock'), WATCHDOG_USEC: String(WATCHDOG_USEC), BLOCK_LOOP_MS: String(BLOCK_MS) },
    { nodeArgs: ['--import', BLOCKER] },
  );
  try {
    const texts = () => sock.messages.map((m) => m.text);
    await waitFor('READY=1', () => texts().some((t) => t.split('\n').includes('READY=1')), { timeoutMs: 30_000 });
    const ready = texts().find((t) => t.includes('READY=1'))!;
    assert.match(ready, /^STATUS=ready: 0 events pending for Kafka, breaker closed, intake open$/m);
    assert.match(ready, new RegExp(`^MAINPID=${gateway.pid}$`, 'm'));
    assert.ok(texts()[0]!.startsWith('STATUS=starting'), 'a status line before READY');
    assert.ok(sock.messages.find((m) => m.text.includes('READY=1'))!.at >= gateway.listeningAt - 50, 'READY once the listener is up');

    const pings = () => sock.messages.filter((m) => m.text === 'WATCHDOG=1');
    await waitFor('4 watchdog pings', () => pings().length >= 4, { timeoutMs: 10_000 });
    const gaps = (list: Received[]) => list.slice(1).map((m, i) => m.at - list[i]!.at);
    assert.ok(Math.max(...gaps(pings())) < WATCHDOG_USEC / 1000, `pings within the watchdog period (${gaps(pings()).join(',')} ms)`);

    // A blocked event loop misses the watchdog: no ping for as long as it is blocked.
    const before = pings().length;
    gateway.child.kill('SIGUSR2');
    await waitFor('pings to resume after the block', () => pings().length >= before + 3, { timeoutMs: 10_000 });
    const longest = Math.max(...gaps(pings().slice(before - 1)));
    assert.ok(longest >= BLOCK_MS - 100, `no ping while the loop was blocked (longest gap ${longest} ms, watchdog ${WATCHDOG_USEC / 1000} ms)`);

    const exit = await gateway.stop();
    assert.equal(exit.code, 0);
    const stopping = texts().find((t) => t.split('\n').includes('STOPPING=1'));
    assert.ok(stopping, 'STOPPING=1 sent on SIGTERM');
    assert.match(stopping!, /^STATUS=draining/m);
  } finally {
    await gateway.kill();
    sock.close();
  }
});
