/**
 * Pure: the seqs delivered above the cursor, stored beside it as one packed value (migration 3):
 * sorted 32-bit little-endian offsets from the cursor, 4 bytes each. Rewriting thousands of rows
 * every delivery commit cost more than the forwarding itself.
 */
export function packAhead(cursor: number, ahead: readonly number[]): Buffer | null {
  const above = ahead.filter((s) => s > cursor).sort((a, b) => a - b);
  if (above.length === 0) return null;
  const out = Buffer.allocUnsafe(above.length * 4);
  for (let i = 0; i < above.length; i++) out.writeUInt32LE(above[i]! - cursor, i * 4);
  return out;
}

/** Pure: the inverse of `packAhead`; `null` is the empty set. */
export function unpackAhead(cursor: number, packed: Buffer | null): number[] {
  if (!packed) return [];
  const out: number[] = new Array(packed.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = cursor + packed.readUInt32LE(i * 4);
  return out;
}
