import { codes, publishDate } from 'currency-codes';

/**
 * ISO 4217 alphabetic currency codes, from the `currency-codes` package (ISO's list one; its
 * publish date is `CURRENCY_LIST_DATE`). Codes withdrawn from the list are rejected.
 */
const CURRENCIES: ReadonlySet<string> = new Set(codes());

export const CURRENCY_LIST_DATE: string = publishDate;

/** Pure: why `s` is not a current ISO 4217 currency code, or undefined when it is. */
export function currencyProblem(s: string): string | undefined {
  if (!/^[A-Z]{3}$/.test(s)) return 'must be an ISO 4217 currency code: 3 upper-case letters';
  if (!CURRENCIES.has(s)) return `'${s}' is not in the ISO 4217 list (${CURRENCY_LIST_DATE})`;
  return undefined;
}
