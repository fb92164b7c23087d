import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tempDir } from '../../../bench/temp-dir.js';
import { waitFor } from '../../../bench/wait-for.js';
import { fillWal, forwarderFor } from '../../../test/support/forwarder-kit.js';
import { startMockBusProcess } from '../../../test/support/mock-bus-process.js';
import { Wal, WalConfigSchema } from '../../wal/wal.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// A batch kept until its records' delivery reports outlives young-generation GCs and is promoted:
// in S4 that was ~1 KB a record collected only by full GCs (bench/README.md, "Third pass").
it('keeps nothing of a handed-over batch while its records are in flight', async () => {
  const bus = await startMockBusProcess();
  const path = join(tempDir('fw-mem-'), 'wal.db');
  await fillWal(path, 1000).stop();
  const wal = new Wal(WalConfigSchema.parse({ path })); // rows read from the file, not the recent-rows cache
  const handedOver: Array<WeakRef<object>> = [];
  const f = await forwarderFor(wal, bus.bootstrap, { batchSize: 250, maxInFlightEvents: 1000 }, {
    encoder: (pool) => ({
      encode: async (events) => {
        // The broker stops answering after the start-up read-back: every record stays in flight.
        if (handedOver.length === 0) bus.child.kill('SIGSTOP');
        const batch = await pool.encode(events);
        handedOver.push(new WeakRef(events), new WeakRef(events[0]!), new WeakRef(batch), new WeakRef(batch.records[0]!.headers));
        return batch;
      },
      close: () => pool.close(),
    }),
  });
  try {
    await waitFor('a full window in flight', () => f.producer.outstanding === 1000);
    await new Promise((resolve) => setImmediate(resolve)); // a WeakRef holds its target for the job that made it
    gc();
    assert.equal(handedOver.length, 16, 'four batches, each with its rows, first row, batch and headers watched');
    assert.equal(f.producer.outstanding, 1000, 'still in flight');
    const kept = handedOver.filter((r) => r.deref() !== undefined).length;
    assert.equal(kept, 0, `${kept} of the batches' rows, records or headers are still reachable`);
    bus.child.kill('SIGCONT');
    await waitFor('all 1000 delivered', () => f.ledger.cursor === 1000, { timeoutMs: 30_000 });
  } finally {
    bus.child.kill('SIGCONT');
    await f.stop();
    await wal.stop();
    await bus.stop();
  }
});
