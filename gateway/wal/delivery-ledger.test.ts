import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { pino } from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { DeliveryLedger, DeliveryLedgerConfigSchema } from './delivery-ledger.js';
import { Wal, WalConfigSchema } from './wal.js';

it('GET status: accepted until finished, then forwarded with its position, or dead_lettered with the error', async () => {
  const wal = new Wal(WalConfigSchema.parse({ path: join(tempDir(), 'wal.db') }), { now: () => Date.now() });
  try {
    const ledger = new DeliveryLedger(DeliveryLedgerConfigSchema.parse({}), { wal, log: pino({ level: 'silent' }) });
    const body = (id: string) => `{"eventId":"${id}","payload":{}}`;
    wal.appendBatch(['ok-1', 'big-1'].map((eventId) => ({ eventId, aggregateId: 'A', topic: 't', body: body(eventId) })));
    assert.equal(ledger.statusOf('ok-1')!.status, 'accepted');
    assert.equal(ledger.statusOf('big-1')!.status, 'accepted');
    assert.equal(ledger.statusOf('never'), undefined);

    ledger.finish(1, { partition: 2, offset: 7 });
    const error = { code: 'ERR_MSG_SIZE_TOO_LARGE', message: 'Broker: Message size too large' };
    wal.addDeadLetter(wal.readEvent(2)!, error);
    ledger.finish(2);

    assert.deepEqual(
      (({ status, partition, offset }) => ({ status, partition, offset }))(ledger.statusOf('ok-1')!),
      { status: 'forwarded', partition: 2, offset: 7 },
    );
    const dead = ledger.statusOf('big-1')!;
    assert.equal(dead.status, 'dead_lettered');
    assert.deepEqual(dead.error, error);
    assert.equal(typeof dead.failedAt, 'string');
    assert.equal(dead.partition, undefined);
  } finally {
    await wal.stop();
  }
});
