import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { commonFields, date, DERIVATIVE_EVENT_TYPES, timestamp } from './fields.js';

/** The end of a trade before or at maturity (TERM), e.g. an early termination (ETRM) or a compression. */
export const TradeTerminated: CatalogueEntry = {
  type: 'TradeTerminated',
  actionType: 'TERM',
  summary: 'A trade ended early or at maturity (TERM)',
  versions: [
    {
      version: 1,
      schema: z.strictObject({
        ...commonFields(),
        eventType: z.enum(DERIVATIVE_EVENT_TYPES).optional(),
        eventDate: date(),
        terminatedAt: timestamp().optional(),
      }),
    },
  ],
  timestamps: ['terminatedAt'],
};
