import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { tradeFields } from './fields.js';

/** A new trade (NEWT): starts a UTI's life. Its field names are fixed: consumers depend on them. */
export const TradeConfirmed: CatalogueEntry = {
  type: 'TradeConfirmed',
  actionType: 'NEWT',
  summary: 'A new trade: starts the life of its UTI (NEWT)',
  versions: [{ version: 1, schema: z.strictObject(tradeFields()) }],
  timestamps: ['executedAt'],
};
