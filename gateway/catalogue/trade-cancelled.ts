import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { commonFields } from './fields.js';

/** A trade reported in error (EROR): it never existed. Only a TradeRevived may follow. */
export const TradeCancelled: CatalogueEntry = {
  type: 'TradeCancelled',
  actionType: 'EROR',
  summary: 'A trade reported in error: it never existed (EROR)',
  versions: [{ version: 1, schema: z.strictObject({ ...commonFields(), reason: z.string().min(1).max(256).optional() }) }],
  timestamps: [],
};
