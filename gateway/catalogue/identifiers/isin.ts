/**
 * International Securities Identification Number (ISO 6166): 2-letter country code, 9 characters
 * [A-Z0-9], 1 check digit. Letters become two digits (A=10 .. Z=35); the Luhn sum of the resulting
 * digit string, check digit included, must be a multiple of 10.
 */

const ISIN_FORMAT = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;

/** Pure: whether a string of decimal digits passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Pure: why `s` is not a valid ISIN, or undefined when it is. */
export function isinProblem(s: string): string | undefined {
  if (!ISIN_FORMAT.test(s)) return 'must be an ISIN: country code, 9 characters A-Z 0-9, check digit (ISO 6166)';
  let digits = '';
  for (const ch of s) digits += /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
  if (!luhnValid(digits)) return 'ISIN check digit does not match (ISO 6166, Luhn)';
  return undefined;
}
