import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { samplePayload } from './sample-events.js';
import { upcast } from './upcast.js';
import { ValuationReported, valuationV1toV2 } from './valuation-reported.js';

describe('upcasters', () => {
  it('ValuationReported v1 -> v2 splits the combined valuation into amount and currency, keeping every other field', () => {
    const v1 = samplePayload('ValuationReported', 1);
    const v2 = valuationV1toV2(v1);
    assert.deepEqual(v2, samplePayload('ValuationReported', 2));
    assert.ok(ValuationReported.versions[1]!.schema.safeParse(v2).success, 'the result is a valid v2');
    assert.deepEqual(valuationV1toV2({ ...v1, valuation: '0.00001 JPY' }), { ...samplePayload('ValuationReported', 2), valuationAmount: '0.00001', valuationCurrency: 'JPY' });
    assert.equal(v1.valuation, '-1250.50 USD', 'pure: the input is not changed');
  });

  it('chains the steps from the sent version to the current one, and leaves the current version as it is', () => {
    const entry: CatalogueEntry = {
      type: 'ThingHappened', actionType: 'NEWT', summary: '', timestamps: [],
      versions: [
        { version: 1, schema: z.object({}), upcast: (p) => ({ ...p, steps: [...((p.steps as string[]) ?? []), '1->2'] }) },
        { version: 2, schema: z.object({}), upcast: (p) => ({ ...p, steps: [...((p.steps as string[]) ?? []), '2->3'] }) },
        { version: 3, schema: z.object({}) },
      ],
    };
    assert.deepEqual(upcast(entry, 1, {}), { steps: ['1->2', '2->3'] });
    assert.deepEqual(upcast(entry, 2, {}), { steps: ['2->3'] });
    assert.deepEqual(upcast(entry, 3, { a: 1 }), { a: 1 });
    const broken = { ...entry, versions: [entry.versions[0]!, { version: 2, schema: z.object({}) }, entry.versions[2]!] };
    assert.throws(() => upcast(broken, 1, {}), /ThingHappened v2 has no upcaster to v3/);
  });
});
