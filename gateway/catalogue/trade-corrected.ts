import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { date, tradeFields } from './fields.js';

/** A correction of data reported wrongly (CORR): the whole trade as it should have been. */
export const TradeCorrected: CatalogueEntry = {
  type: 'TradeCorrected',
  actionType: 'CORR',
  summary: 'A correction of wrongly reported data, the whole trade as it should have been (CORR)',
  versions: [{ version: 1, schema: z.strictObject({ ...tradeFields(), eventDate: date() }) }],
  timestamps: ['executedAt'],
};
