import { GatewayError } from '../../errors.js';
import type { Submission } from '../../pipeline/prepare-events.js';
import { scanStrict, scanStrictElements } from '../../pipeline/strict-json.js';

export type BodyFormat = 'json' | 'ndjson';

/**
 * Pure: which body format a Content-Type names; throws GatewayError `unsupported_media_type` for
 * anything else and `unsupported_charset` for a declared charset other than UTF-8 (I-JSON, RFC 7493
 * section 2.1, and RFC 8259 section 8.1: JSON exchanged between systems is UTF-8).
 */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const [type, ...params] = (contentType ?? '').split(';');
  const mime = type!.trim().toLowerCase();
  let format: BodyFormat;
  if (mime === 'application/json') format = 'json';
  else if (mime === 'application/x-ndjson' || mime === 'application/ndjson') format = 'ndjson';
  else {
    throw new GatewayError(
      'unsupported_media_type',
      `Content-Type must be application/json or application/x-ndjson, got ${contentType ? `'${contentType}'` : 'none'}`,
    );
  }
  for (const p of params) {
    const [name, value = ''] = p.split('=');
    if (name!.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new GatewayError('unsupported_charset', `the body must be UTF-8; Content-Type declares charset '${value.trim()}'`);
    }
  }
  return format;
}

/** Limits on one request's events. */
export interface EventLimits {
  maxEvents: number;
  /** Deepest nesting of one event (the event object is level 1); deeper events are rejected alone. */
  maxDepth: number;
}

/**
 * Pure: decodes a request body (already strictly decoded from UTF-8, byte order mark removed) into
 * the submitted events, not yet validated. A JSON body is one event object or an array of them;
 * NDJSON is one JSON value per non-empty line. Each event carries its payload's text exactly as
 * sent and its I-JSON problems (see `scanStrict`). Throws GatewayError `malformed_json` (the body
 * is not JSON at all), `empty_batch`, `too_many_events`.
 */
export function parseEvents(body: string, format: BodyFormat, limits: EventLimits): Submission[] {
  const items = format === 'json' ? parseJson(body, limits.maxDepth) : parseNdjson(body, limits.maxDepth);
  if (items.length === 0) throw new GatewayError('empty_batch', 'the request contains no events');
  if (items.length > limits.maxEvents) {
    throw new GatewayError('too_many_events', `the request contains ${items.length} events; at most ${limits.maxEvents} are accepted per request`);
  }
  return items;
}

function parseJson(body: string, maxDepth: number): Submission[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new GatewayError('malformed_json', `the body is not valid JSON: ${(err as Error).message}`, { details: [
      { path: '$', code: 'malformed_json', message: (err as Error).message },
    ] });
  }
  if (Array.isArray(value)) {
    const scans = scanStrictElements(body, 0, body.length, maxDepth);
    return value.map((v, i) => ({ value: v, payloadJson: scans[i]!.payloadJson, errors: scans[i]!.errors }));
  }
  if (value !== null && typeof value === 'object') {
    const scan = scanStrict(body, 0, body.length, maxDepth);
    return [{ value, payloadJson: scan.payloadJson, errors: scan.errors }];
  }
  throw new GatewayError('malformed_json', 'the body must be an event object or an array of events', { details: [
    { path: '$', code: 'invalid_type', message: 'expected an object or an array' },
  ] });
}

function parseNdjson(body: string, maxDepth: number): Submission[] {
  const items: Submission[] = [];
  let line = 0;
  for (const raw of body.split('\n')) {
    line++;
    // A blank line holds JSON whitespace only (RFC 8259 section 2): nothing else is dropped silently.
    if (/^[ \t\r]*$/.test(raw)) continue;
        let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new GatewayError('malformed_json', `line ${line} is not valid JSON: ${(err as Error).message}`, { details: [
        { path: `$[${items.length}]`, code: 'malformed_json', message: `line ${line}: ${(err as Error).message}` },
      ] });
    }
    const scan = scanStrict(raw, 0, raw.length, maxDepth);
    items.push({ value, payloadJson: scan.payloadJson, errors: scan.errors });
  }
  return items;
}
