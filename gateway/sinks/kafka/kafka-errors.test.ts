import assert from 'node:assert/strict';
import { it } from 'node:test';
import Kafka from 'node-rdkafka';
import { codeOf, dispositionOf } from './kafka-errors.js';

const E = Kafka.CODES.ERRORS;

it('sorts Kafka refusals into retry, poison and suspect', () => {
  assert.equal(dispositionOf(E.ERR__MSG_TIMED_OUT, false), 'retry');
  assert.equal(dispositionOf(E.ERR__QUEUE_FULL, true), 'retry');
  assert.equal(dispositionOf(E.ERR__ALL_BROKERS_DOWN, false), 'retry');
  assert.equal(dispositionOf(E.ERR_TOPIC_AUTHORIZATION_FAILED, false), 'retry');
  assert.equal(dispositionOf(E.ERR__UNKNOWN_TOPIC, false), 'poison');
  assert.equal(dispositionOf(E.ERR_UNKNOWN_TOPIC_OR_PART, false), 'poison');
  // Too large for librdkafka itself: only this record. Refused by the broker: maybe its batch.
  assert.equal(dispositionOf(E.ERR_MSG_SIZE_TOO_LARGE, true), 'poison');
  assert.equal(dispositionOf(E.ERR_MSG_SIZE_TOO_LARGE, false), 'suspect');
  assert.equal(dispositionOf(E.ERR_RECORD_LIST_TOO_LARGE, false), 'suspect');
});

it('recovers the code of a delivery-report error that node-rdkafka passes as text', () => {
  // What node-rdkafka emits for a broker refusal: the description, lower-cased, code -1.
  assert.equal(codeOf({ code: -1, message: 'message size too large' }), E.ERR_MSG_SIZE_TOO_LARGE);
  assert.equal(codeOf({ code: -1, message: 'unknown topic' }), E.ERR__UNKNOWN_TOPIC);
  assert.equal(codeOf({ code: -1, message: 'unknown topic or partition' }), E.ERR_UNKNOWN_TOPIC_OR_PART);
  assert.equal(codeOf({ code: E.ERR__QUEUE_FULL, message: 'Local: Queue full' }), E.ERR__QUEUE_FULL);
  assert.equal(codeOf({ code: -1, message: 'fatal error' }), E.ERR__FATAL);
  assert.equal(codeOf({ code: -1, message: 'something else' }), -1);
});
