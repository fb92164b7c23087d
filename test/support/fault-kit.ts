import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ConsumedRecord } from './consumer.js';
import { realBroker } from './real-broker.js';

/**
 * EDGE_GATEWAY_* settings of a gateway under a fault test: a fixed loopback port (so a restarted
 * gateway listens where the senders already send), its own WAL, the real broker, its own topic.
 */
export function faultGatewayEnv(port: number, walDir: string, topic: string): Record<string, string> {
  return {
    EDGE_GATEWAY_HTTP_LISTEN: `127.0.0.1:${port}`,
    EDGE_GATEWAY_WAL_PATH: join(walDir, 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
  };
}

export { freePort } from '../../bench/free-port.js';

export interface Counts {
  sent: number;
  acknowledged: number;
  consumed: number;
  missing: number;
  duplicated: number;
}

/**
 * Counts records by eventId against the expected ids, prints the counts as one JSON line (the
 * proof a reader looks for) and asserts none missing and none duplicated.
 */
export function assertExactlyOnce(
  label: string,
  expectedIds: Iterable<string>,
  records: readonly ConsumedRecord[],
  figures: { sent: number; acknowledged: number } & Record<string, unknown>,
): Counts {
  const seen = new Map<string, number>();
  for (const r of records) seen.set(r.headers['event-id']!, (seen.get(r.headers['event-id']!) ?? 0) + 1);
  let missing = 0;
  let expected = 0;
  for (const id of expectedIds) {
    expected++;
    if (!seen.has(id)) missing++;
  }
  let duplicated = 0;
  for (const n of seen.values()) duplicated += n - 1;
  const counts = { ...figures, consumed: records.length, distinct: seen.size, missing, duplicated };
  console.log(`${label}: ${JSON.stringify(counts)}`);
  assert.equal(missing, 0, 'every acknowledged event is in Kafka');
  assert.equal(duplicated, 0, 'no event is in Kafka twice');
  assert.equal(seen.size, expected, 'nothing unexpected is in Kafka');
  return counts as Counts;
}
