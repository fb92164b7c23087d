import { z } from 'zod';
import type { CatalogueEntry, Payload } from './catalogue-entry.js';
import { commonFields, currency, date, signedAmount } from './fields.js';

const valuationFields = () => ({
  ...commonFields(),
  valuationDate: date(),
  /** ISO 20022 ValuationType1Code: mark to market, mark to model, CCP valuation. */
  valuationType: z.enum(['MTMA', 'MTMO', 'CCPV']),
  eventDate: date(),
});

/** v1 carried amount and currency in one field, e.g. `"-1250000.50 EUR"`. */
const V1 = z.strictObject({
  ...valuationFields(),
  valuation: z
    .string()
    .regex(/^-?\d+(\.\d{1,5})? [A-Z]{3}$/, { message: 'must be "<decimal amount> <ISO 4217 code>", e.g. "-1250000.50 EUR"' })
    .meta({ description: 'amount and currency, space separated (v1 only; v2 splits them)' }),
});

/** v2 splits it into `valuationAmount` and `valuationCurrency`, so each is checked (and routed on) alone. */
const V2 = z.strictObject({ ...valuationFields(), valuationAmount: signedAmount(), valuationCurrency: currency() });

/** Pure upcaster v1 -> v2: splits `valuation` into amount and currency; every other field is kept. */
export function valuationV1toV2(p: Payload): Payload {
  const { valuation, ...rest } = p;
  const [amount, ccy] = String(valuation).split(' ');
  return { ...rest, valuationAmount: amount, valuationCurrency: ccy };
}

/** A valuation update (VALU): the contract's value on `valuationDate`, which must equal `eventDate`. */
export const ValuationReported: CatalogueEntry = {
  type: 'ValuationReported',
  actionType: 'VALU',
  summary: 'The value of a live trade on a date (VALU)',
  versions: [
    { version: 1, schema: V1, upcast: valuationV1toV2 },
    { version: 2, schema: V2 },
  ],
  timestamps: [],
};
