import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { makeEvent } from './support/events.js';
import { scrape, valueOf } from './support/scrape.js';

it('free disk below wal.budget.minFreeDiskBytes pauses intake with 503 disk_space_low and Retry-After; nothing is stored', async () => {
  const dir = tempDir();
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  // A threshold just above the real free space: the disk is "nearly full" without filling it.
  const gateway = await GatewayProcess.start({
    EDGE_GATEWAY_WAL_PATH: join(dir, 'wal.db'),
    EDGE_GATEWAY_WAL_BUDGET_MIN_FREE_DISK_BYTES: String(free * 2),
    EDGE_GATEWAY_WAL_BUDGET_RETRY_AFTER_SECONDS: '5',
  });
  try {
    const res = await fetch(`${gateway.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(makeEvent('disk-1', 'k', 1)) });
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.equal(body.error.code, 'disk_space_low');
    assert.match(body.error.message, /free disk space is low: \d+ bytes free .*minFreeDiskBytes = \d+/);
    const ready = (await gateway.ready()) as unknown as { status: string; wal: { lastSeq: number }; budget: { intake: string; pausedBy: string; freeDiskBytes: number } };
    assert.equal(ready.status, 'ready', 'flow control, not a fault');
    assert.equal(ready.budget.intake, 'paused');
    assert.equal(ready.budget.pausedBy, 'disk_space_low');
    assert.ok(ready.budget.freeDiskBytes > 0 && ready.budget.freeDiskBytes < free * 2);
    assert.equal(ready.wal.lastSeq, 0, 'nothing stored');
    const m = await scrape(gateway.adminUrl);
    assert.equal(valueOf(m, 'edge_gateway_intake_paused'), 1);
    assert.equal(valueOf(m, 'edge_gateway_events_rejected_total', { source: 'http', code: 'disk_space_low' }), 1);
    assert.ok(valueOf(m, 'edge_gateway_disk_free_bytes') > 0);
    assert.ok(gateway.logs.some((l) => l.msg === `intake paused: ${body.error.message}`), 'one warn line when intake paused');
  } finally {
    await gateway.stop();
  }
});
