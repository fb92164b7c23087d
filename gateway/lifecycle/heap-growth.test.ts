import assert from 'node:assert/strict';
import { it } from 'node:test';
import { capHeapGrowth } from './heap-growth.js';

it("caps the heaps' growth unless the operator set --heap-growing-percent (argument or NODE_OPTIONS)", () => {
  assert.equal(capHeapGrowth(['--heap-growing-percent=50'], ''), false);
  assert.equal(capHeapGrowth(['--enable-source-maps'], '--max-old-space-size=512 --heap_growing_percent=20'), false);
  assert.equal(capHeapGrowth(['--enable-source-maps'], '--max-old-space-size=512'), true);
});
