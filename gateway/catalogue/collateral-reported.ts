import { z } from 'zod';
import type { CatalogueEntry } from './catalogue-entry.js';
import { commonFields, currency, date, nonNegativeAmount } from './fields.js';

/** A margin / collateral update (MARU) for a trade: amounts posted and received, never negative. */
export const CollateralReported: CatalogueEntry = {
  type: 'CollateralReported',
  actionType: 'MARU',
  summary: 'Margin and collateral posted and received for a trade (MARU)',
  versions: [
    {
      version: 1,
      schema: z.strictObject({
        ...commonFields(),
        eventDate: date(),
        collateralPortfolioCode: z.string().regex(/^[A-Za-z0-9]{1,52}$/).optional(),
        collateralCurrency: currency(),
        initialMarginPosted: nonNegativeAmount().optional(),
        initialMarginReceived: nonNegativeAmount().optional(),
        variationMarginPosted: nonNegativeAmount().optional(),
        variationMarginReceived: nonNegativeAmount().optional(),
      }),
    },
  ],
  timestamps: [],
};
