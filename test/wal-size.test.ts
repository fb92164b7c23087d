import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { LoadSender } from './support/load-sender.js';
import { scrape, valueOf } from './support/scrape.js';

const RATE = 2000; // events/s
const RUN_MS = 40_000;
const RETENTION_MS = 3000;

/** A file's size, 0 when it is not there (yet). */
function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

it(`a steady stream with a ${RETENTION_MS / 1000} s retention: the WAL's file size levels off (pruning, incremental vacuum, checkpoints)`, async () => {
  const path = join(tempDir(), 'wal.db');
  const gateway = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: path,
    EDGE_GATEWAY_WAL_RETENTION_PERIOD_MS: String(RETENTION_MS),
    EDGE_GATEWAY_WAL_RETENTION_PRUNE_INTERVAL_MS: '1000',
  });
  const sizes: Array<{ at: number; db: number; wal: number }> = [];
  const startedAt = Date.now();
  const sampler = setInterval(() => sizes.push({ at: Date.now() - startedAt, db: size(path), wal: size(`${path}-wal`) }), 250);
  const load = new LoadSender({ url: () => gateway.url, events: (RATE * RUN_MS) / 1000, batch: 100, lanes: 2, keys: 100, rate: RATE, prefix: 'size' });
  try {
    await gateway.waitFor('the stream to be acknowledged', () => load.settled, { timeoutMs: RUN_MS + 60_000, everyMs: 200 });
    const result = await load.done;
    clearInterval(sampler);
    const peak = (from: number, to: number) => Math.max(...sizes.filter((s) => s.at >= from && s.at < to).map((s) => s.db));
    // Growing with the events, the file would be twice as large at 40 s as at 20 s.
    const early = peak(RUN_MS * 0.25, RUN_MS * 0.5);
    const late = peak(RUN_MS * 0.75, RUN_MS);
    const walPeak = Math.max(...sizes.map((s) => s.wal));
    const m = await scrape(gateway.adminUrl);
    const pruned = valueOf(m, 'edge_gateway_wal_pruned_events_total');
    const ready = await gateway.ready();
    const figures = { acknowledged: result.acknowledged, pruned, retained: ready.wal.lastSeq - pruned, earlyPeakDbBytes: early, latePeakDbBytes: late, walFilePeakBytes: walPeak, finalDbBytes: size(path) };
    console.log(`wal-size: ${JSON.stringify(figures)}`);
    assert.equal(result.acknowledged, (RATE * RUN_MS) / 1000);
    assert.ok(pruned >= result.acknowledged * 0.7, `most events were pruned after ${RETENTION_MS} ms (${pruned})`);
    assert.ok(early > 0 && walPeak > 0, `the files measured exist (${early}, ${walPeak} bytes)`);
    assert.ok(late <= early * 1.5, `the database file stopped growing (${early} -> ${late} bytes) while ${result.acknowledged} events went through`);
    // The -wal file: SQLite checkpoints it every 1,000 pages (4 MiB), retention truncates it after each prune.
    assert.ok(walPeak <= 16 * 1024 ** 2, `the -wal file stays small (${walPeak} bytes)`);
  } finally {
    clearInterval(sampler);
    load.stop();
    await gateway.stop();
  }
});
