import { z } from 'zod';
import { CATALOGUE } from '../catalogue/catalogue.js';
import { currentVersion, type CatalogueEntry } from '../catalogue/catalogue-entry.js';
import { samplePayload } from '../catalogue/sample-events.js';
import { EnvelopeSchema } from './envelope.js';

/** A JSON Schema document (draft 2020-12), as served. */
export type JsonSchemaDocument = Record<string, unknown>;

/** One line of `GET /v1/schemas`. */
export interface SchemaListing {
  type: string;
  actionType: string;
  summary: string;
  currentVersion: number;
  versions: Array<{ version: number; schema: string }>;
}

/**
 * Pure: the JSON Schema (draft 2020-12) of a whole event of `entry` at `version`: the envelope with
 * this type, version and payload, generated from the zod schemas the gateway validates with, plus an
 * example. The contract senders and consumers test against. Checks beyond a pattern (check digits,
 * the currency list, cross-field and lifecycle rules) are named in descriptions, not expressible here.
 */
export function eventJsonSchema(entry: CatalogueEntry, version: number): JsonSchemaDocument {
  const def = entry.versions.find((v) => v.version === version);
  if (!def) throw new Error(`${entry.type} has no version ${version}`);
  const schema = EnvelopeSchema.extend({ type: z.literal(entry.type), version: z.literal(version), payload: def.schema });
  const example = {
    eventId: 'evt-1', type: entry.type, version, occurredAt: '2026-11-02T09:30:00.123Z', source: 'oms-1',
    aggregateId: samplePayload(entry.type, version).uti, payload: samplePayload(entry.type, version),
  };
  return {
    ...(z.toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonSchemaDocument),
    $id: `/v1/schemas/${entry.type}/${version}`,
    title: `${entry.type} v${version} (${entry.actionType})`,
    description: entry.summary,
    examples: [example],
  };
}

/** Pure: every type with its versions and where their schemas are served. */
export function schemaListing(): SchemaListing[] {
  return [...CATALOGUE.values()].map((e) => ({
    type: e.type,
    actionType: e.actionType,
    summary: e.summary,
    currentVersion: currentVersion(e).version,
    versions: e.versions.map((v) => ({ version: v.version, schema: `/v1/schemas/${e.type}/${v.version}` })),
  }));
}
