import { readFileSync } from 'node:fs';
import { explainRouting } from '../pipeline/routing-explain.js';
import { Router } from '../pipeline/routing.js';
import type { GatewayConfig } from './config-schema.js';

/**
 * The text of `edge-gateway check-config --explain EVENTS.json`: a summary line of the routing
 * section, then for each sample event whether it would be accepted (catalogue checks at `now`, ms
 * since the epoch) and which routing rule it hits, and why the earlier rules did not; `rejected`: how many the gateway would refuse.
 * @param file a JSON file holding one event or an array of events.
 * @throws Error naming the file when it cannot be read or is not JSON.
 */
export function explainEventsFile(config: GatewayConfig, file: string, now = Date.now()): { text: string; rejected: number } {
  let events: unknown[];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    events = Array.isArray(parsed) ? parsed : [parsed];
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const summary = `configuration valid: ${config.routing.rules.length} routing rule(s), ${Object.keys(config.routing.topics).length} type topic(s), default topic ${config.routing.defaultTopic}`;
  const lines = explainRouting(events, { router: new Router(config.routing), catalogue: config.catalogue, now });
  const rejected = lines.filter((l) => l.startsWith('  rejected:')).length;
  return { text: `${[summary, ...lines].join('\n')}\n`, rejected };
}
