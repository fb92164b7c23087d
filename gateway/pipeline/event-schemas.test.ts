import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { CATALOGUE } from '../catalogue/catalogue.js';
import { eventJsonSchema, type JsonSchemaDocument } from './event-schemas.js';

const SNAPSHOTS = fileURLToPath(new URL('../catalogue/schema-snapshots/', import.meta.url));
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
const strip = (n: unknown): unknown => {
  if (Array.isArray(n)) return n.map(strip);
  if (!isObject(n)) return n;
  return Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'description' && k !== 'examples').map(([k, v]) => [k, strip(v)]));
};

/**
 * The changes from `before` to `after` that break a sender or a consumer holding `before`: all but
 * new optional properties and changed descriptions or examples.
 */
export function incompatibilities(before: unknown, after: unknown, path = '$'): string[] {
  if (!isObject(before) || !isObject(after)) return JSON.stringify(strip(before)) === JSON.stringify(strip(after)) ? [] : [`${path} changed`];
  const out: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    if (k === 'description' || k === 'examples') continue;
    if (k === 'properties' && isObject(before.properties) && isObject(after.properties)) {
      const required = new Set((after.required as string[] | undefined) ?? []);
      for (const p of new Set([...Object.keys(before.properties), ...Object.keys(after.properties)])) {
        if (!(p in after.properties)) out.push(`${path}.${p} removed`);
        else if (!(p in before.properties)) {
          if (required.has(p)) out.push(`${path}.${p} added as required`);
        } else out.push(...incompatibilities(before.properties[p], after.properties[p], `${path}.${p}`));
      }
    } else if (k === 'required') {
      const was = new Set((before.required as string[] | undefined) ?? []);
      for (const r of (after.required as string[] | undefined) ?? []) if (!was.has(r) && isObject(before.properties) && r in before.properties) out.push(`${path}.${r} became required`);
      for (const r of was) if (!((after.required as string[] | undefined) ?? []).includes(r)) out.push(`${path}.${r} no longer required`);
    } else out.push(...incompatibilities(before[k], after[k], `${path}/${k}`));
  }
  return out;
}

describe('served JSON Schemas', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);

  for (const entry of CATALOGUE.values()) {
    for (const { version } of entry.versions) {
      const name = `${entry.type}.v${version}`;
      const schema = eventJsonSchema(entry, version);

      it(`${name} is a valid JSON Schema that takes its example and refuses broken ones`, () => {
        const validate = ajv.compile(schema);
        const example = (schema.examples as Node[])[0]!;
        assert.ok(validate(example), JSON.stringify(validate.errors));
        assert.equal(validate({ ...example, payload: { ...(example.payload as Node), uti: 'not a uti' } }), false);
        assert.equal(validate({ ...example, payload: { ...(example.payload as Node), unknownField: 1 } }), false);
        assert.equal(validate({ ...example, version: version + 1 }), false);
      });

      // The contract: a schema may change only compatibly within a version (new optional fields);
      // anything else needs a new version with an upcaster. UPDATE_SCHEMA_SNAPSHOTS=1 records
      // compatible changes and new versions, never an incompatible change.
      it(`${name} has not changed incompatibly since its committed snapshot`, () => {
        const file = `${SNAPSHOTS}${name}.json`;
        const update = process.env.UPDATE_SCHEMA_SNAPSHOTS === '1';
        if (!existsSync(file)) {
          assert.ok(update, `no snapshot for ${name}: run with UPDATE_SCHEMA_SNAPSHOTS=1 and commit ${file}`);
          writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
          return;
        }
        const before = JSON.parse(readFileSync(file, 'utf8')) as JsonSchemaDocument;
        const broken = incompatibilities(before, schema);
        assert.deepEqual(broken, [], `${name} changed incompatibly: add version ${entry.versions.length + 1} of ${entry.type} with an upcaster instead`);
        if (JSON.stringify(before) !== JSON.stringify(schema)) {
          assert.ok(update, `${name} changed compatibly: record it with UPDATE_SCHEMA_SNAPSHOTS=1`);
          writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
        }
      });
    }
  }

  it('tells compatible from incompatible changes', () => {
    const v1 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'], additionalProperties: false };
    assert.deepEqual(incompatibilities(v1, { ...v1, properties: { ...v1.properties, c: { type: 'string' } } }), []);
    assert.deepEqual(incompatibilities(v1, { ...v1, properties: { a: { type: 'string', description: 'x' }, b: { type: 'string' } } }), []);
    assert.deepEqual(incompatibilities(v1, { ...v1, properties: { a: v1.properties.a } }), ['$.b removed']);
    assert.deepEqual(incompatibilities(v1, { ...v1, required: ['a', 'b'] }), ['$.b became required']);
    assert.deepEqual(incompatibilities(v1, { ...v1, properties: { ...v1.properties, c: { type: 'string' } }, required: ['a', 'c'] }), ['$.c added as required']);
    assert.deepEqual(incompatibilities(v1, { ...v1, properties: { ...v1.properties, a: { type: 'number' } } }), ['$.a/type changed']);
  });
});
