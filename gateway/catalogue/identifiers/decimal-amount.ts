/**
 * Amounts as decimal strings (never JSON numbers: binary floating point may already have lost
 * digits). ISO 20022 ActiveCurrencyAndAmount / DecimalNumber limits: at most `totalDigits` digits in
 * all and `fractionDigits` after the point.
 */
export interface DecimalLimits {
  totalDigits: number;
  fractionDigits: number;
  /** `positive`: > 0; `nonNegative`: >= 0; `any`: a sign is allowed (e.g. a rates price). */
  sign: 'positive' | 'nonNegative' | 'any';
}

/** ISO 20022 5-decimal amount (Max25Number/5 fraction digits). */
export const AMOUNT: DecimalLimits = { totalDigits: 25, fractionDigits: 5, sign: 'any' };

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Pure: the code and message of what is wrong with `s` as a decimal string, or undefined when it is fine. */
export function decimalProblem(s: string, limits: DecimalLimits): { code: string; message: string } | undefined {
  const m = DECIMAL.exec(s);
  if (!m) return { code: 'invalid_decimal', message: 'must be a decimal string such as "1250000.50": digits, optional minus and point, no exponent' };
  const [, minus, int, frac = ''] = m;
  const significantInt = int!.replace(/^0+(?=\d)/, '');
  if (frac.length > limits.fractionDigits || significantInt.length + frac.length > limits.totalDigits) {
    return {
      code: 'decimal_out_of_range',
      message: `at most ${limits.totalDigits} digits in all and ${limits.fractionDigits} after the point (ISO 20022)`,
    };
  }
  const zero = /^0*$/.test(int! + frac);
  if (limits.sign === 'positive' && (minus || zero)) return { code: 'not_positive', message: 'must be greater than zero' };
  if (limits.sign === 'nonNegative' && minus && !zero) return { code: 'negative', message: 'must not be negative' };
  return undefined;
}
