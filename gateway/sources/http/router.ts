import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../errors.js';

/** Handles one request; `params` are the path pattern's capture groups, percent-decoded. */
export type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST';
  /** A literal path, or a pattern anchored at both ends. */
  path: string | RegExp;
  handle: Handler;
}

/**
 * Finds the route for a request and runs it. Throws GatewayError `not_found` for an unknown path,
 * `method_not_allowed` (with the allowed methods) for a known path and another method, and
 * `malformed_url` for a path parameter that is not valid percent-encoding.
 */
export async function dispatch(routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const allowed: string[] = [];
  for (const route of routes) {
    const params = match(route.path, path);
    if (!params) continue;
    if (route.method !== req.method) {
      allowed.push(route.method);
      continue;
    }
    return route.handle(req, res, params.map(decodeParam));
  }
  if (allowed.length > 0) throw new GatewayError('method_not_allowed', `use ${allowed.join(' or ')}`, { allowed });
  throw new GatewayError('not_found', `no route for ${req.method} ${path}`);
}

/** The query parameter `name` as an integer in [min, max], or `fallback`. Throws GatewayError `invalid_query`. */
export function intParam(req: IncomingMessage, name: string, fallback: number, min: number, max: number): number {
  const raw = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new GatewayError('invalid_query', `query parameter '${name}' must be an integer from ${min} to ${max}`);
  }
  return n;
}

function match(pattern: string | RegExp, path: string): string[] | undefined {
  if (typeof pattern === 'string') return pattern === path ? [] : undefined;
  const m = pattern.exec(path);
  return m ? m.slice(1) : undefined;
}

function decodeParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayError('malformed_url', `'${segment}' is not valid percent-encoding`);
  }
}
