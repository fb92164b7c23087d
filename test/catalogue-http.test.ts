import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { SAMPLE_LEI } from '../gateway/catalogue/sample-events.js';
import { consumeAll } from './support/consumer.js';
import { lifecycleEvent, makeEvent } from './support/events.js';
import { readWalFile } from './support/wal-file.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const uti = (suffix: string) => `${SAMPLE_LEI}${suffix}`;

describe('the event catalogue over HTTP', () => {
  let gw: GatewayProcess;
  let wal: string;

  before(async () => {
    wal = join(tempDir(), 'wal.db');
    gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: wal, EDGE_GATEWAY_ROUTING_TOPICS: '{ ValuationReported: valuations }' });
  });
  after(async () => {
    await gw?.stop();
  });

  async function post(events: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    return { status: res.status, json: await res.json() };
  }
  const outcome = (r: any) => (r.status === 'rejected' ? r.errors.map((e: any) => `${e.path} ${e.code}`).join('; ') : r.status);

  it('accepts every type in its current and previous version along one life, and forwards the current shape', async () => {
    const u = uti('LIFE1');
    const life = [
      lifecycleEvent('life-newt', 'TradeConfirmed', u),
      lifecycleEvent('life-modi', 'TradeAmended', u),
      lifecycleEvent('life-corr', 'TradeCorrected', u),
      lifecycleEvent('life-valu-v1', 'ValuationReported', u, 1),
      lifecycleEvent('life-valu-v2', 'ValuationReported', u, 2),
      lifecycleEvent('life-maru', 'CollateralReported', u),
      lifecycleEvent('life-term', 'TradeTerminated', u),
      lifecycleEvent('life-revi', 'TradeRevived', u),
      lifecycleEvent('life-eror', 'TradeCancelled', u),
    ];
    const r = await post(life);
    assert.equal(r.status, 202, JSON.stringify(r.json));
    assert.deepEqual(r.json.results.map(outcome), life.map(() => 'accepted'));

    await gw.waitFor('forwarded', async () => (await gw.ready()).delivery.pendingEvents === 0, { timeoutMs: 30_000 });
    const valuations = await consumeAll(gw.bootstrap, ['valuations']);
    const v1 = valuations.find((m) => m.value.eventId === 'life-valu-v1')!;
    assert.equal(v1.value.version, 2, 'upcast: the bus sees the current version');
    assert.equal(v1.headers['event-version'], '2');
    assert.equal(v1.value.payload.valuationAmount, '-1250.50');
    assert.equal(v1.value.payload.valuationCurrency, 'USD');
    assert.equal(v1.value.payload.valuation, undefined);
    assert.equal(v1.key, u, 'the key stays the aggregateId');
  });

  it('rejects an invalid event with all its errors and JSON paths, and stores nothing', async () => {
    const before = readWalFile(wal).seqs.size;
    const bad = lifecycleEvent('bad-1', 'TradeConfirmed', uti('BAD1'), 1, {
      reportingLei: 'HWUPKR0MPOU8FGXBT395', instrument: { isin: 'US0378331006' }, notional: 1000000.5, notionalCurrency: 'EUR0', venue: 'X',
      effectiveDate: '2027-01-02', maturityDate: '2027-01-01',
    });
    const r = await post(bad);
    assert.equal(r.status, 422);
    assert.deepEqual(r.json.results[0].errors.map((e: any) => `${e.path} ${e.code}`).sort(), [
      '$.payload.instrument.isin invalid_isin',
      '$.payload.maturityDate maturity_before_effective',
      '$.payload.notional decimal_as_number',
      '$.payload.notionalCurrency unknown_currency',
      '$.payload.reportingLei invalid_lei',
      '$.payload.venue invalid_mic',
    ]);
    for (const e of r.json.results[0].errors) assert.ok(e.message.length > 0);
    const unknown = await post([{ ...makeEvent('unk-1', 'K', 0), type: 'SwapNegotiated' }, { ...makeEvent('unk-2', 'K', 1), version: 9 }]);
    assert.deepEqual(unknown.json.results.map(outcome), ['$.type unknown_event_type', '$.version unknown_event_version']);
    assert.equal(readWalFile(wal).seqs.size, before);
  });

  it('judges a lifecycle conflict in the same request in order, and concurrent requests by commit', async () => {
    const u = uti('ORDER1');
    const r = await post([
      lifecycleEvent('ord-modi-early', 'TradeAmended', u),
      lifecycleEvent('ord-newt', 'TradeConfirmed', u),
      lifecycleEvent('ord-newt-again', 'TradeConfirmed', u),
      lifecycleEvent('ord-modi-time', 'TradeAmended', u, 1, { executedAt: '2026-11-02T09:31:00Z' }),
      lifecycleEvent('ord-term', 'TradeTerminated', u),
      lifecycleEvent('ord-valu', 'ValuationReported', u, 2),
      lifecycleEvent('ord-newt', 'TradeConfirmed', u),
    ]);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results.map(outcome), [
      '$.payload.uti lifecycle_not_started',
      'accepted',
      '$.payload.uti lifecycle_already_started',
      '$.payload.executedAt execution_time_changed',
      'accepted',
      '$.payload.uti lifecycle_ended',
      'duplicate',
    ]);

    const v = uti('RACE1');
    const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(lifecycleEvent(`race-${i}`, 'TradeConfirmed', v))));
    const won = racers.filter((x) => x.status === 202);
    assert.equal(won.length, 1, 'exactly one NEWT of a UTI is taken, whichever commits first');
    for (const x of racers.filter((y) => y.status !== 202)) assert.equal(outcome(x.json.results[0]), '$.payload.uti lifecycle_already_started');
  });

  it('serves the catalogue as JSON Schemas a validator library accepts', async () => {
    const list = (await (await fetch(`${gw.url}/v1/schemas`)).json()) as { types: Array<{ type: string; versions: Array<{ version: number; schema: string }> }> };
    assert.deepEqual(list.types.map((t) => t.type).sort(), ['CollateralReported', 'TradeAmended', 'TradeCancelled', 'TradeConfirmed', 'TradeCorrected', 'TradeRevived', 'TradeTerminated', 'ValuationReported']);
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    for (const t of list.types) {
      for (const v of t.versions) {
        const res = await fetch(`${gw.url}${v.schema}`);
        assert.equal(res.status, 200);
        const schema = (await res.json()) as { examples: unknown[] };
        const validate = ajv.compile(schema);
        assert.ok(validate(schema.examples[0]), `${t.type} v${v.version}: ${JSON.stringify(validate.errors)}`);
      }
    }
    const missing = await fetch(`${gw.url}/v1/schemas/TradeConfirmed/7`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as any).error.code, 'schema_not_found');
  });
});
