/**
 * Legal Entity Identifier (ISO 17442): 18 characters [A-Z0-9] and 2 check digits, checked with
 * ISO/IEC 7064 MOD 97-10 (letters A=10 .. Z=35; the number mod 97 must be 1).
 */

const LEI_FORMAT = /^[A-Z0-9]{18}[0-9]{2}$/;

/** Pure: ISO 7064 MOD 97-10 remainder of an [A-Z0-9] string, computed piecewise (no big integers). */
export function mod97(s: string): number {
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Digits add one decimal place, letters (A=10 .. Z=35) two.
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else rem = (rem * 100 + (c - 55)) % 97;
  }
  return rem;
}

/** Pure: why `s` is not a valid LEI, or undefined when it is. */
export function leiProblem(s: string): string | undefined {
  if (!LEI_FORMAT.test(s)) return 'must be an LEI: 18 characters A-Z 0-9 and 2 check digits (ISO 17442)';
  if (mod97(s) !== 1) return 'LEI check digits do not match (ISO 7064 MOD 97-10)';
  return undefined;
}
