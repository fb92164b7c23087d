import assert from 'node:assert/strict';
import Kafka from 'node-rdkafka';
import { waitFor } from '../../bench/wait-for.js';
import { orderOf } from './events.js';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: Record<string, any>;
  /** The value's bytes as Kafka holds them. */
  valueBytes: Buffer;
  headers: Record<string, string>;
  /** The record's timestamp, epoch ms (the gateway sets it to when it received the event). */
  timestamp: number;
}

/**
 * Reads every record of `topics` from the beginning with a real node-rdkafka consumer (partitions
 * assigned directly, no group) up to each partition's high watermark as it was once assigned.
 * Call it once the gateway reports everything delivered: whatever it sent, duplicates included,
 * is then below the watermarks, so nothing is missed and no settle time is needed.
 */
export async function consumeAll(bootstrap: string, topics: readonly string[], options: { timeoutMs?: number } = {}): Promise<ConsumedRecord[]> {
  const consumer = new Kafka.KafkaConsumer(
    { 'bootstrap.servers': bootstrap, 'group.id': `test-${process.pid}-${Date.now()}`, 'enable.auto.commit': false },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve())));
  try {
    const assignments: Kafka.Assignment[] = [];
    for (const topic of topics) {
      const md = await waitFor(`metadata of ${topic}`, () =>
        new Promise<Kafka.Metadata | undefined>((resolve) =>
          consumer.getMetadata({ topic, timeout: 5_000 }, (err, data) =>
            resolve(!err && data.topics.find((t) => t.name === topic)?.partitions.length ? data : undefined),
          ),
        ),
      );
      for (const p of md.topics.find((t) => t.name === topic)!.partitions) assignments.push({ topic, partition: p.id, offset: 0 });
    }
    consumer.assign(assignments);
    /** Per `topic/partition` not yet read to its end: the offset the last record must reach. */
    const unread = new Map<string, number>();
    for (const { topic, partition } of assignments) {
      const { highOffset } = await new Promise<Kafka.WatermarkOffsets>((resolve, reject) =>
        consumer.queryWatermarkOffsets(topic, partition, 10_000, (err, offsets) => (err ? reject(err) : resolve(offsets))),
      );
      if (highOffset > 0) unread.set(`${topic}/${partition}`, highOffset);
    }
    const out: ConsumedRecord[] = [];
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while (unread.size > 0) {
      if (Date.now() > deadline) {
        const left = [...unread].map(([tp, high]) => `${tp} below ${high}`).join(', ');
        throw new Error(`timed out reading ${topics.join(', ')} to the high watermarks: ${left}; ${out.length} records read`);
      }
      const batch = await new Promise<Kafka.Message[]>((resolve, reject) =>
        consumer.consume(1000, (err, msgs) => (err ? reject(err) : resolve(msgs))),
      );
      for (const m of batch) {
        out.push(toRecord(m));
        const tp = `${m.topic}/${m.partition}`;
        if (m.offset + 1 >= (unread.get(tp) ?? 0)) unread.delete(tp);
      }
    }
    return out;
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

function toRecord(m: Kafka.Message): ConsumedRecord {
  const headers: Record<string, string> = {};
  for (const h of m.headers ?? []) for (const [k, v] of Object.entries(h)) headers[k] = v.toString();
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: m.key ? m.key.toString() : '',
    value: JSON.parse(m.value!.toString()) as Record<string, any>,
    valueBytes: m.value!,
    headers,
    timestamp: m.timestamp ?? -1,
  };
}

/**
 * Asserts per-key order: each key stays in one partition of a topic, and in offset order its
 * records carry a strictly increasing `n` (the sender's order, at the end of the test UTI: orderOf) and `gateway-seq` (the WAL's).
 * Returns each key's records in offset order, by `topic/key`.
 */
export function assertPerKeyOrder(records: readonly ConsumedRecord[]): Map<string, ConsumedRecord[]> {
  const groups = new Map<string, ConsumedRecord[]>();
  for (const m of records) {
    const id = `${m.topic}/${m.key}`;
    const list = groups.get(id);
    if (list) list.push(m);
    else groups.set(id, [m]);
  }
  for (const [id, list] of groups) {
    assert.equal(new Set(list.map((m) => m.partition)).size, 1, `${id} spread over partitions`);
    list.sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < list.length; i++) {
      assert.ok(orderOf(list[i]!.value as { payload: Record<string, unknown> }) > orderOf(list[i - 1]!.value as { payload: Record<string, unknown> }), `order broken for ${id} at offset ${list[i]!.offset}`);
      assert.ok(Number(list[i]!.headers['gateway-seq']) > Number(list[i - 1]!.headers['gateway-seq']), `seq order broken for ${id}`);
    }
  }
  return groups;
}
