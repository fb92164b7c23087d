import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { date, tradeFields } from './fields.js';

/**
 * A business change to a live trade (MODI): the whole trade as it now stands, naming the UTI it
 * changes. The execution timestamp never changes on a MODI (the lifecycle read model checks).
 */
export const TradeAmended: CatalogueEntry = {
  type: 'TradeAmended',
  actionType: 'MODI',
  summary: 'A business change to a live trade, the whole trade as it now stands (MODI)',
  versions: [{ version: 1, schema: z.strictObject({ ...tradeFields(), eventDate: date() }) }],
  timestamps: ['executedAt'],
};
