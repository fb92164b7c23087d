import type { FixField } from '../codec/fix-message.js';

/** A party of a Parties block (453): PartyID 448, PartyIDSource 447, PartyRole 452. */
export interface Party {
  id: string;
  source: string | undefined;
  role: string | undefined;
}

/** One side of a NoSides (552) block: Side 54 and its parties. */
export interface SideView {
  side: string | undefined;
  parties: Party[];
}

/** A validated application message read for mapping: top-level fields by tag, parties, sides. */
export interface FixView {
  get(tag: number): string | undefined;
  parties: Party[];
  sides: SideView[];
}

/**
 * Pure: reads a message the session's dictionary has already validated (groups well-formed) into
 * top-level fields, the top-level Parties block, and the NoSides block with each side's parties.
 */
export function viewOf(fields: readonly FixField[]): FixView {
  const top = new Map<number, string>();
  const parties: Party[] = [];
  const sides: SideView[] = [];
  let currentParties = parties;
  let inSides = false;
  for (const { tag, value } of fields) {
    switch (tag) {
      case 552:
        inSides = true;
        break;
      case 54:
        if (inSides) {
          const s: SideView = { side: value, parties: [] };
          sides.push(s);
          currentParties = s.parties;
        } else top.set(tag, value);
        break;
      case 448:
        currentParties.push({ id: value, source: undefined, role: undefined });
        break;
      case 447:
        if (currentParties.length > 0) currentParties[currentParties.length - 1]!.source = value;
        break;
      case 452:
        if (currentParties.length > 0) currentParties[currentParties.length - 1]!.role = value;
        break;
      case 453: case 37: case 11: case 1:
        if (!inSides) top.set(tag, value);
        break;
      default:
        if (!top.has(tag)) top.set(tag, value);
    }
  }
  return { get: (tag) => top.get(tag), parties, sides };
}
