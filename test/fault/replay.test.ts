import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { GatewayProcess } from '../../bench/gateway-process.js';
import { tempDir } from '../../bench/temp-dir.js';
import { adminToken } from '../support/admin-token.js';
import { cli } from '../support/cli-run.js';
import { assertPerKeyOrder, consumeAll, type ConsumedRecord } from '../support/consumer.js';
import { samplePayload } from '../../gateway/catalogue/sample-events.js';
import { makeEvent, ndjson, testUti, type TestEvent } from '../support/events.js';
import { realBroker } from '../support/real-broker.js';

const TYPES = ['TradeConfirmed', 'TradeAmended', 'TradeCancelled'];
const KEYS = 10;

it('replay re-sends exactly the selected delivered events through the WAL, marked, once each, at a real consumer', async () => {
  const topic = `fault-replay-${Date.now()}`;
  const token = adminToken();
  const gateway = await GatewayProcess.start({
    ...token.env,
    EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'),
    EDGE_GATEWAY_KAFKA_BROKERS: realBroker(),
    EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
  });
  try {
    const sent = new Map<string, TestEvent>();
    const send = async (from: number, to: number) => {
      const events = Array.from({ length: to - from }, (_, i) => {
        const n = from + i;
        // Each NEWT is followed by an amendment and then a cancellation of the same trade (valid lifecycles).
        const type = TYPES[n % TYPES.length]!;
        const base = n - (n % TYPES.length);
        const extra = type === 'TradeConfirmed' ? {} : { type, payload: samplePayload(type, 1, testUti(`${topic}-${base}`, base)) };
        return makeEvent(`${topic}-${n}`, `${topic}-K${n % KEYS}`, n, { correlationId: `corr-${n}`, ...extra });
      });
      for (const e of events) sent.set(e.eventId, e);
      const res = await fetch(`${gateway.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson(events) });
      assert.equal(res.status, 202);
      await gateway.waitFor('every event delivered', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });
    };
    await send(0, 600);
    // The first batch was received at or before `mark`, the second after it (once the clock has
    // passed it): the time range from mark + 1 ms selects the second alone.
    const mark = Date.now();
    await gateway.waitFor('the clock past the mark', () => Date.now() > mark);
    const secondBatchFrom = new Date(mark + 1).toISOString();
    await send(600, 700);

    const seqOf = new Map<string, number>();
    for (const id of sent.keys()) seqOf.set(id, ((await (await fetch(`${gateway.url}/v1/events/${id}`)).json()) as { seq: number }).seq);
    const ids = (pred: (e: TestEvent, seq: number) => boolean) => [...sent.values()].filter((e) => pred(e, seqOf.get(e.eventId)!)).map((e) => e.eventId).sort();
    const auth = ['--admin', gateway.adminUrl, '--token-file', token.env.EDGE_GATEWAY_ADMIN_TOKEN_FILE!, '--json'];
    const selections: Array<{ args: string[]; expected: string[] }> = [
      { args: ['--type', 'TradeAmended', '--aggregate-id', `${topic}-K4`], expected: ids((e) => e.type === 'TradeAmended' && e.aggregateId === `${topic}-K4`) },
      { args: ['--from-seq', '100', '--to-seq', '149'], expected: ids((_, seq) => seq >= 100 && seq <= 149) },
      { args: ['--from', secondBatchFrom], expected: ids((e) => Number(e.eventId.split('-').at(-1)) >= 600) },
    ];
    const replays = new Map<string, string[]>();
    for (const s of selections) {
      assert.ok(s.expected.length > 0);
      const dry = await cli(['replay', ...s.args, '--dry-run', ...auth]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.deepEqual(dry.json.events.map((e: any) => e.eventId).sort(), s.expected, `dry run of ${s.args.join(' ')}`);
      const r = await cli(['replay', ...s.args, ...auth]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.replayed, s.expected.length);
      replays.set(r.json.replayId, s.expected);
    }
    await gateway.waitFor('the replays delivered', async () => (await gateway.ready()).delivery.pendingEvents === 0, { timeoutMs: 60_000 });

    const records = await consumeAll(realBroker(), [topic]);
    const originals = records.filter((r) => r.headers.replay === undefined);
    assert.deepEqual(originals.map((r) => r.headers['event-id']).sort(), [...sent.keys()].sort(), 'every original exactly once');
    assertPerKeyOrder(originals);
    const byId = new Map(originals.map((r) => [r.headers['event-id']!, r]));
    const replayed = new Map<string, ConsumedRecord[]>();
    for (const r of records.filter((x) => x.headers.replay !== undefined)) {
      const list = replayed.get(r.headers.replay!) ?? [];
      list.push(r);
      replayed.set(r.headers.replay!, list);
    }
    assert.deepEqual([...replayed.keys()].sort(), [...replays.keys()].sort(), 'each replay arrived, and nothing else was replayed');
    for (const [replayId, expected] of replays) {
      const got = replayed.get(replayId)!;
      assert.deepEqual(got.map((r) => r.headers['event-id']).sort(), expected, `${replayId}: exactly the selected events, once each`);
      for (const r of got) {
        const original = byId.get(r.headers['event-id']!)!;
        assert.equal(r.headers['correlation-id'], replayId, 'a new correlation');
        assert.equal(r.headers['original-correlation-id'], original.headers['correlation-id']);
        assert.equal(r.headers['replay-of-seq'], original.headers['gateway-seq']);
        assert.ok(Number(r.headers['gateway-seq']) > Number(original.headers['gateway-seq']));
        assert.deepEqual(r.value, original.value, 'the event itself unchanged');
        assert.equal(r.key, original.key);
      }
    }
    console.log(JSON.stringify({ test: 'replay', sent: sent.size, consumed: records.length, originals: originals.length, replays: [...replays].map(([id, e]) => ({ id, events: e.length })) }));
  } finally {
    await gateway.stop();
  }
});
