import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { assertPerKeyOrder, consumeAll } from './support/consumer.js';
import { makeEvent } from './support/events.js';
import { persistedCursor, readWalFile } from './support/wal-file.js';

const BURST = 3000;
const PER_REQUEST = 100;

async function burst(gw: GatewayProcess, prefix: string, acked: Map<string, number>): Promise<void> {
  const requests = Array.from({ length: BURST / PER_REQUEST }, (_, r) =>
    Array.from({ length: PER_REQUEST }, (_, i) => makeEvent(`${prefix}-${r}-${i}`, `UTI-${r % 20}`, Math.floor(r / 20) * PER_REQUEST + i)),
  );
  // Four connections at a time; a key's requests are sent in order by one of them.
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      for (let r = lane; r < requests.length; r += 4) {
        const res = await fetch(`${gw.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(requests[r]),
        });
        assert.equal(res.status, 202);
        const body = (await res.json()) as { results: Array<{ eventId: string; seq: number }> };
        for (const x of body.results) acked.set(x.eventId, x.seq);
      }
    }),
  );
}

describe('durability across SIGKILL', () => {
  it('forwards after restart every acknowledged event whose delivery was not recorded, and nothing at or below the recorded cursor', async () => {
    const wal = join(tempDir(), 'wal.db');
    // Deliveries are recorded every 5 s here, so a kill right after a burst leaves some unrecorded.
    const env = { EDGE_GATEWAY_WAL_PATH: wal, EDGE_GATEWAY_WAL_DELIVERY_COMMIT_INTERVAL_MS: '5000' };
    const acked = new Map<string, number>();

    const first = await GatewayProcess.start(env);
    let killed;
    try {
      await burst(first, 'a', acked);
      await first.waitFor('the first burst recorded as delivered', () => persistedCursor(wal) === BURST);
      await burst(first, 'b', acked);
    } finally {
      // SIGKILL also when a burst failed: no gateway outlives the test.
      killed = await first.kill('SIGKILL');
    }
    assert.equal(killed.signal, 'SIGKILL');

    const onDisk = readWalFile(wal);
    for (const [id, seq] of acked) assert.equal(onDisk.seqs.get(id), seq, `acknowledged event ${id} is on disk`);
    const recorded = (seq: number) => seq <= onDisk.cursor || onDisk.ahead.includes(seq);
    const pending = [...onDisk.seqs.values()].filter((s) => !recorded(s)).sort((a, b) => a - b);
    assert.ok(onDisk.cursor >= BURST, 'the cursor recorded before the kill survived it');
    assert.ok(pending.length > 0, 'the kill left acknowledged events whose delivery was not recorded');

    // The restarted gateway has a fresh embedded bus: whatever is on it was sent after the restart.
    const second = await GatewayProcess.start(env);
    try {
      assert.equal(first.logs.filter((l) => String(l.msg).startsWith('the WAL holds events from an earlier run')).length, 0, 'not on a fresh WAL');
      const stale = second.logs.find((l) => String(l.msg).startsWith('the WAL holds events from an earlier run whose embedded bus is gone'));
      assert.ok(stale, 'the restart on the embedded bus warns that the WAL outlived the bus');
      assert.equal(stale.level, 40);
      assert.equal(stale.lastSeq, 2 * BURST);
      await second.waitFor('the backlog to drain', async () => (await second.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });
      const records = await consumeAll(second.bootstrap, ['trade-events']);
      const resent = records.map((m) => Number(m.headers['gateway-seq'])).sort((a, b) => a - b);
      console.log(JSON.stringify({
        acknowledged: acked.size,
        recordedCursor: onDisk.cursor,
        recordedAhead: onDisk.ahead.length,
        pendingAtKill: pending.length,
        resentAfterRestart: resent.length,
        resentAtOrBelowCursor: resent.filter((s) => s <= onDisk.cursor).length,
      }));
      assert.deepEqual(resent, pending, 'exactly the unrecorded events are sent again');
      for (const [id, seq] of acked) assert.ok(recorded(seq) || resent.includes(seq), `${id} is delivered`);
      assertPerKeyOrder(records);
    } finally {
      await second.stop();
    }
  });
});
