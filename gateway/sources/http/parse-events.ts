import { GatewayError } from '../../errors.js';

export type BodyFormat = 'json' | 'ndjson';

/** Pure: which body format a Content-Type names; throws GatewayError `unsupported_media_type` for anything else. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === 'application/json') return 'json';
  if (mime === 'application/x-ndjson' || mime === 'application/ndjson') return 'ndjson';
  throw new GatewayError(
    'unsupported_media_type',
    `Content-Type must be application/json or application/x-ndjson, got ${contentType ? `'${contentType}'` : 'none'}`,
  );
}

/**
 * Pure: decodes a request body into the list of submitted items (not yet validated). A JSON body
 * is one event object or an array of them; NDJSON is one JSON value per non-empty line.
 */
export function parseEvents(body: string, format: BodyFormat, maxEvents: number): unknown[] {
  const items = format === 'json' ? parseJson(body) : parseNdjson(body);
  if (items.length === 0) throw new GatewayError('empty_batch', 'the request contains no events');
  if (items.length > maxEvents) {
    throw new GatewayError('too_many_events', `the request contains ${items.length} events; at most ${maxEvents} are accepted per request`);
  }
  return items;
}

function parseJson(body: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new GatewayError('malformed_json', `the body is not valid JSON: ${(err as Error).message}`, { details: [
      { path: '$', code: 'malformed_json', message: (err as Error).message },
    ] });
  }
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return [value];
  throw new GatewayError('malformed_json', 'the body must be an event object or an array of events', { details: [
    { path: '$', code: 'invalid_type', message: 'expected an object or an array' },
  ] });
}

function parseNdjson(body: string): unknown[] {
  const items: unknown[] = [];
  let line = 0;
  for (const raw of body.split('\n')) {
    line++;
    const text = raw.trim();
    if (text === '') continue;
    try {
      items.push(JSON.parse(text));
    } catch (err) {
      throw new GatewayError('malformed_json', `line ${line} is not valid JSON: ${(err as Error).message}`, { details: [
        { path: `$[${items.length}]`, code: 'malformed_json', message: `line ${line}: ${(err as Error).message}` },
      ] });
    }
  }
  return items;
}
