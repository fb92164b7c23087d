import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { commonFields, date } from './fields.js';

/** A trade terminated or cancelled by mistake, brought back (REVI). */
export const TradeRevived: CatalogueEntry = {
  type: 'TradeRevived',
  actionType: 'REVI',
  summary: 'A trade terminated or cancelled by mistake, brought back (REVI)',
  versions: [{ version: 1, schema: z.strictObject({ ...commonFields(), eventDate: date() }) }],
  timestamps: [],
};
