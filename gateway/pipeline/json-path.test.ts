import assert from 'node:assert/strict';
import { it } from 'node:test';
import { jsonPath } from './json-path.js';

it('formats key and index paths as JSON paths', () => {
  assert.equal(jsonPath([]), '$');
  assert.equal(jsonPath(['payload', 'legs', 0, 'price']), '$.payload.legs[0].price');
  assert.equal(jsonPath(['payload', 'a.b', 'x y']), '$.payload["a.b"]["x y"]');
});
