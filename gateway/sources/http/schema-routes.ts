import { CATALOGUE } from '../../catalogue/catalogue.js';
import { GatewayError } from '../../errors.js';
import { eventJsonSchema, schemaListing, type JsonSchemaDocument } from '../../pipeline/event-schemas.js';
import { sendJson } from './respond.js';
import type { Route } from './router.js';

/**
 * `GET /v1/schemas` (every catalogue type and version) and `GET /v1/schemas/{type}/{version}` (the
 * JSON Schema of that event). Generated once, at start-up. 404 `schema_not_found` for a type or
 * version the catalogue does not have.
 */
export function schemaRoutes(): Route[] {
  const listing = { types: schemaListing() };
  const schemas = new Map<string, JsonSchemaDocument>();
  for (const entry of CATALOGUE.values()) for (const v of entry.versions) schemas.set(`${entry.type}/${v.version}`, eventJsonSchema(entry, v.version));
  return [
    { method: 'GET', path: '/v1/schemas', handle: (_req, res) => sendJson(res, 200, listing) },
    {
      method: 'GET',
      path: /^\/v1\/schemas\/([^/]+)\/([^/]+)$/,
      handle: (_req, res, [type, version]) => {
        const schema = schemas.get(`${type}/${version}`);
        if (!schema) throw new GatewayError('schema_not_found', `no schema for ${type} version ${version}; GET /v1/schemas lists them`);
        sendJson(res, 200, schema);
      },
    },
  ];
}
