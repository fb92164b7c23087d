import assert from 'node:assert/strict';
import { it } from 'node:test';
import { nearestName } from './nearest-name.js';

it('suggests the nearest name for a misspelling, and nothing for a name far from all', () => {
  const keys = ['EDGE_GATEWAY_KAFKA_BROKERS', 'EDGE_GATEWAY_HTTP_LISTEN', 'EDGE_GATEWAY_ADMIN_LISTEN'];
  assert.equal(nearestName('EDGE_GATEWAY_KAFKA_BROKER', keys), 'EDGE_GATEWAY_KAFKA_BROKERS');
  assert.equal(nearestName('EDGE_GATEWAY_KAFAK_BROKERS', keys), 'EDGE_GATEWAY_KAFKA_BROKERS', 'a transposition');
  assert.equal(nearestName('EDGE_GATEWAY_ADMN_LISTEN', keys), 'EDGE_GATEWAY_ADMIN_LISTEN');
  assert.equal(nearestName('EDGE_GATEWAY_SOMETHING_ELSE_ENTIRELY', keys), undefined);
  assert.equal(nearestName('X', keys), undefined);
});
