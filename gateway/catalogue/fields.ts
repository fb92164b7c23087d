import { z } from 'zod';
import { currencyProblem } from './identifiers/currency.js';
import { AMOUNT, decimalProblem, type DecimalLimits } from './identifiers/decimal-amount.js';
import { isinProblem } from './identifiers/isin.js';
import { leiProblem } from './identifiers/lei.js';
import { micProblem } from './identifiers/mic.js';
import { upiProblem, utiProblem } from './identifiers/uti.js';

/**
 * The zod field types the catalogue's payloads are built from. Each check reports its own stable
 * code (`params.code`); the `meta` patterns are what the served JSON Schema shows, the checks
 * (check digits, the currency list) are stricter than any pattern.
 */

type Problem = (s: string) => string | undefined;

/** A string checked by `problem`, reported as `code`. */
function checked(code: string, problem: Problem, meta: { pattern: string; description: string }) {
  return z
    .string()
    .superRefine((s, ctx) => {
      const message = problem(s);
      if (message !== undefined) ctx.addIssue({ code: 'custom', params: { code }, message });
    })
    .meta(meta);
}

export const lei = () => checked('invalid_lei', leiProblem, { pattern: '^[A-Z0-9]{18}[0-9]{2}$', description: 'LEI (ISO 17442), ISO 7064 MOD 97-10 check digits' });
export const uti = () =>
  checked('invalid_uti', utiProblem, { pattern: '^[A-Z0-9]{18}[0-9]{2}[A-Z0-9]{0,32}$', description: 'UTI (ISO 23897): a valid LEI and up to 32 characters A-Z 0-9' });
export const isin = () => checked('invalid_isin', isinProblem, { pattern: '^[A-Z]{2}[A-Z0-9]{9}[0-9]$', description: 'ISIN (ISO 6166) with its Luhn check digit' });
export const upi = () => checked('invalid_upi', upiProblem, { pattern: '^[A-Z0-9]{12}$', description: 'UPI (ISO 4914)' });
export const currency = () => checked('unknown_currency', currencyProblem, { pattern: '^[A-Z]{3}$', description: 'ISO 4217 alphabetic currency code' });
export const mic = () => checked('invalid_mic', micProblem, { pattern: '^[A-Z0-9]{4}$', description: 'MIC (ISO 10383); XOFF off-venue, XXXX unknown' });

/** RFC 3339 in UTC (`Z`), at least seconds. Whether it lies in the future is checked with the clock (validate-event). */
export const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
export const timestamp = () =>
  checked('invalid_timestamp', (s) => {
    const m = UTC_TIMESTAMP.exec(s);
    if (!m || !realDate(m[1]!, m[2]!, m[3]!) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) {
      return 'must be an RFC 3339 timestamp in UTC to at least seconds, e.g. 2026-11-02T09:30:00.123Z';
    }
    return undefined;
  }, { pattern: UTC_TIMESTAMP.source, description: 'RFC 3339 timestamp in UTC (Z), at least seconds' });

/** An ISO 8601 calendar date `YYYY-MM-DD`. */
export const date = () =>
  checked('invalid_date', (s) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    return m && realDate(m[1]!, m[2]!, m[3]!) ? undefined : 'must be a calendar date YYYY-MM-DD (ISO 8601)';
  }, { pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'ISO 8601 calendar date' });

function realDate(y: string, m: string, d: string): boolean {
  const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(m) - 1 && t.getUTCDate() === Number(d);
}

/**
 * A decimal string within `limits`. A JSON number is refused with `decimal_as_number`: its digits
 * may already have been lost to binary floating point before the gateway saw it.
 */
export function decimal(limits: DecimalLimits = AMOUNT) {
  const schema = z
    .any()
    .superRefine((v, ctx) => {
      if (typeof v === 'number') {
        ctx.addIssue({ code: 'custom', params: { code: 'decimal_as_number' }, message: 'must be a decimal string, not a JSON number (its digits may already be lost)' });
      } else if (typeof v !== 'string') {
        ctx.addIssue({ code: 'custom', params: { code: 'invalid_type' }, message: v === undefined ? 'required: a decimal string' : 'must be a decimal string' });
      } else {
        const p = decimalProblem(v, limits);
        if (p) ctx.addIssue({ code: 'custom', params: { code: p.code }, message: p.message });
      }
    })
    .meta({
      type: 'string',
      pattern: limits.sign === 'any' ? '^-?\\d+(\\.\\d+)?$' : '^\\d+(\\.\\d+)?$',
      description: `decimal string, at most ${limits.totalDigits} digits, ${limits.fractionDigits} after the point; ${limits.sign}`,
    });
  return schema as unknown as z.ZodType<string>;
}

export const positiveAmount = () => decimal({ ...AMOUNT, sign: 'positive' });
export const nonNegativeAmount = () => decimal({ ...AMOUNT, sign: 'nonNegative' });
export const signedAmount = () => decimal(AMOUNT);

/** ISO 20022 TransactionOperationType10Code. */
export const ACTION_TYPES = ['NEWT', 'MODI', 'CORR', 'TERM', 'EROR', 'REVI', 'VALU', 'MARU', 'POSC', 'PRTO'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** ISO 20022 DerivativeEventType3Code. */
export const DERIVATIVE_EVENT_TYPES = ['TRAD', 'NOVA', 'COMP', 'ETRM', 'CLRG', 'EXER', 'ALOC', 'CLAL', 'CREV', 'INCP', 'CORP', 'PTNG', 'UPDT'] as const;

/** The instrument: an ISIN or a UPI, exactly one. */
export const instrument = () => z.union([z.strictObject({ isin: isin() }), z.strictObject({ upi: upi() })]);

/** Fields every catalogue payload carries. `actionType`, when sent, must match the event type's. */
export const commonFields = () => ({
  uti: uti(),
  reportingLei: lei(),
  actionType: z.enum(ACTION_TYPES).optional(),
});

/** The critical data elements of a trade: TradeConfirmed's fields (names fixed: consumers depend on them). */
export const tradeFields = () => ({
  ...commonFields(),
  counterpartyLei: lei(),
  instrument: instrument(),
  assetClass: z.enum(['IR', 'CR', 'EQ', 'FX', 'CO']),
  direction: z.enum(['BUY', 'SELL']),
  notional: positiveAmount(),
  quantity: positiveAmount(),
  price: signedAmount(),
  notionalCurrency: currency(),
  priceCurrency: currency(),
  executedAt: timestamp(),
  venue: mic(),
  eventType: z.enum(DERIVATIVE_EVENT_TYPES).optional(),
  effectiveDate: date().optional(),
  maturityDate: date().optional(),
  /** For content-based routing, e.g. `CFTC`, `EMIR`. */
  jurisdiction: z.string().regex(/^[A-Z0-9_]{2,16}$/).optional(),
});
