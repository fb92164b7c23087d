import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { explainRouting } from '../pipeline/routing-explain.js';
import { Router } from '../pipeline/routing.js';
import { loadConfig } from './load-config.js';

const USAGE = `usage: edge-gateway check-config [--config FILE] [--explain EVENTS.json]

Validates the configuration (file and EDGE_GATEWAY_* variables) as the gateway would at start-up,
routing rules included. With --explain, reads sample events (one JSON event or an array) and shows
for each whether it would be accepted and which routing rule it hits, and why.`;

/**
 * `edge-gateway check-config`: exit 0 when the configuration is valid, 2 when it is not (each
 * problem by key path) or the arguments or the events file are wrong.
 */
export function checkConfigMain(argv: string[], out: { stdout: (s: string) => void; stderr: (s: string) => void }, now = Date.now()): number {
  let args;
  try {
    args = parseArgs({ args: argv, options: { config: { type: 'string' }, explain: { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (err) {
    out.stderr(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    out.stdout(`${USAGE}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig({ file: args.config });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.stderr(`edge-gateway: ${err.message}\n`);
    return 2;
  }
  out.stdout(`configuration valid: ${config.routing.rules.length} routing rule(s), ${Object.keys(config.routing.topics).length} type topic(s), default topic ${config.routing.defaultTopic}\n`);
  if (args.explain === undefined) return 0;
  let events: unknown[];
  try {
    const parsed = JSON.parse(readFileSync(args.explain, 'utf8')) as unknown;
    events = Array.isArray(parsed) ? parsed : [parsed];
  } catch (err) {
    out.stderr(`edge-gateway: ${args.explain}: ${(err as Error).message}\n`);
    return 2;
  }
  const lines = explainRouting(events, { router: new Router(config.routing), catalogue: config.catalogue, now });
  out.stdout(`${lines.join('\n')}\n`);
  return 0;
}
