/**
 * Market Identifier Code (ISO 10383): 4 characters A-Z 0-9; `XOFF` for off-venue, `XXXX` where the
 * venue is unknown. Only the format is checked: the MIC list changes monthly.
 */
export function micProblem(s: string): string | undefined {
  return /^[A-Z0-9]{4}$/.test(s) ? undefined : 'must be a MIC: 4 characters A-Z 0-9 (ISO 10383), XOFF off-venue, XXXX unknown';
}
