import assert from 'node:assert/strict';
import { it } from 'node:test';
import { capHeapGrowth } from './heap-growth.js';

it("sets --heap-growing-percent=100 unless the operator set it (argument or NODE_OPTIONS)", () => {
  const set: string[] = [];
  const spy = (flags: string) => void set.push(flags);
  assert.equal(capHeapGrowth(['--heap-growing-percent=50'], '', spy), false);
  assert.equal(capHeapGrowth(['--enable-source-maps'], '--max-old-space-size=512 --heap_growing_percent=20', spy), false);
  assert.deepEqual(set, [], 'an operator\'s flag is left alone');
  assert.equal(capHeapGrowth(['--enable-source-maps'], '--max-old-space-size=512', spy), true);
  assert.deepEqual(set, ['--heap-growing-percent=100']);
});
