import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ReceiptTimes } from './receipt-times.js';

it('finds the receipt time of a seq by its range, and forgets ranges the cursor passed', () => {
  const t = new ReceiptTimes();
  t.add(1, 3, 100);
  t.add(4, 4, 200);
  t.add(7, 9, 300); // 5 and 6 were taken by another path (a re-drive)
  assert.equal(t.receivedAt(1), 100);
  assert.equal(t.receivedAt(3), 100);
  assert.equal(t.receivedAt(4), 200);
  assert.equal(t.receivedAt(5), undefined);
  assert.equal(t.receivedAt(9), 300);
  assert.equal(t.receivedAt(10), undefined);
  t.dropThrough(4);
  assert.equal(t.size, 1);
  assert.equal(t.receivedAt(2), undefined);
  assert.equal(t.receivedAt(8), 300);
});

it('holds at most maxRanges, dropping the oldest, and compacts without losing any', () => {
  const t = new ReceiptTimes(5000);
  for (let i = 1; i <= 20_000; i++) t.add(i, i, i * 10);
  assert.equal(t.size, 5000);
  assert.equal(t.receivedAt(15_000), undefined);
  assert.equal(t.receivedAt(15_001), 150_010);
  t.dropThrough(19_000);
  assert.equal(t.size, 1000);
  assert.equal(t.receivedAt(19_500), 195_000);
});
