import { CATALOGUE } from '../../catalogue/catalogue.js';
import { SAMPLE_UTI, samplePayload } from '../../catalogue/sample-events.js';

/**
 * Pure: a JSON array body of `events` valid sample events cycling over every catalogue type and
 * version, to run through a fresh validation path before the listener opens: the first requests
 * after start otherwise pay for cold (unoptimised) validators, the bulk of S5's p99 in bench/README.md.
 */
export function warmUpBody(events: number): string {
  const kinds = [...CATALOGUE.values()].flatMap((entry) => entry.versions.map((v) => ({ type: entry.type, version: v.version })));
  const out = new Array<string>(events);
  for (let i = 0; i < events; i++) {
    const { type, version } = kinds[i % kinds.length]!;
    out[i] = JSON.stringify({ eventId: `warm-up-${i}`, type, version, occurredAt: '2026-11-02T09:30:00.123Z', source: 'warm-up', aggregateId: SAMPLE_UTI, payload: samplePayload(type, version) });
  }
  return `[${out.join(',')}]`;
}
