import type { CatalogueEntry } from './catalogue-entry.js';
import { CollateralReported } from './collateral-reported.js';
import { TradeAmended } from './trade-amended.js';
import { TradeCancelled } from './trade-cancelled.js';
import { TradeConfirmed } from './trade-confirmed.js';
import { TradeCorrected } from './trade-corrected.js';
import { TradeRevived } from './trade-revived.js';
import { TradeTerminated } from './trade-terminated.js';
import { ValuationReported } from './valuation-reported.js';

/** Every canonical event type, by name. Adding a type: one file and one line here. */
export const CATALOGUE: ReadonlyMap<string, CatalogueEntry> = new Map(
  [TradeConfirmed, TradeAmended, TradeCorrected, TradeTerminated, TradeCancelled, TradeRevived, ValuationReported, CollateralReported].map(
    (e) => [e.type, e],
  ),
);
