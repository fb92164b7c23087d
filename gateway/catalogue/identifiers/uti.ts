import { leiProblem } from './lei.js';

/**
 * Unique Transaction Identifier (ISO 23897, CFTC 45.5): at most 52 characters A-Z 0-9, the LEI of
 * the entity that generated it followed by up to 32 more (ISO 20022 pattern
 * `^[A-Z0-9]{18}[0-9]{2}[A-Z0-9]{0,32}$`). The prefix must pass the LEI check; a lapsed LEI is still
 * a valid prefix, since a UTI is never reissued. A 42-character legacy USI is not a UTI.
 */
const UTI_FORMAT = /^[A-Z0-9]{18}[0-9]{2}[A-Z0-9]{0,32}$/;

/** Pure: why `s` is not a valid UTI, or undefined when it is. */
export function utiProblem(s: string): string | undefined {
  if (!UTI_FORMAT.test(s)) return 'must be a UTI: the generating entity\'s LEI and up to 32 characters A-Z 0-9, at most 52 in all (ISO 23897)';
  if (leiProblem(s.slice(0, 20)) !== undefined) return 'UTI prefix is not a valid LEI (ISO 7064 MOD 97-10 check digits)';
  return undefined;
}

/**
 * Unique Product Identifier (ISO 4914): 12 characters A-Z 0-9. Its check character follows ISO/IEC
 * 7064, but the exact scheme is not confirmed here, so only the format is checked.
 */
export function upiProblem(s: string): string | undefined {
  return /^[A-Z0-9]{12}$/.test(s) ? undefined : 'must be a UPI: 12 characters A-Z 0-9 (ISO 4914)';
}
