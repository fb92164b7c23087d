import { z } from 'zod';
import { PRIORITY_CLASSES, RouteRuleSchema, topicName, type EffectiveRule, type PriorityClass, type RouteMatch } from './route-rule.js';
import { routingProblems } from './routing-validation.js';


/**
 * The `routing` section, owned by the pipeline: content-based routing. Evaluated in order: `rules`,
 * then `topics` (shorthand: event type -> topic, priority normal), then the default rule
 * (`defaultTopic`, `defaultPriority`), which is always there. Checked at start-up: unknown payload
 * paths and rules an earlier rule shadows are configuration errors.
 */
export const RoutingConfigSchema = z
  .strictObject({
    rules: z.array(RouteRuleSchema).default([]),
    /** Event type -> topic. */
    topics: z.record(z.string(), topicName).default({}),
    /** Topic of every event no rule matched. */
    defaultTopic: topicName.default('trade-events'),
    defaultPriority: z.enum(PRIORITY_CLASSES).default('normal'),
  })
  .superRefine((c, ctx) => {
    for (const p of routingProblems(effectiveRules(c))) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });
export type RoutingConfig = z.infer<typeof RoutingConfigSchema>;

/** Pure: the rules in the order they are evaluated; the last is the default (matches everything). */
export function effectiveRules(c: Pick<RoutingConfig, 'rules' | 'topics' | 'defaultTopic' | 'defaultPriority'>): EffectiveRule[] {
  return [
    ...c.rules.map((r, i) => ({ name: r.name, at: ['rules', i], match: r.match, topic: r.topic, priority: r.priority })),
    ...Object.entries(c.topics).map(([type, topic]) => ({ name: `topics.${type}`, at: ['topics', type], match: { type: [type] }, topic, priority: 'normal' as const })),
    { name: 'default', at: ['defaultTopic'], match: {}, topic: c.defaultTopic, priority: c.defaultPriority },
  ];
}

/** What routing looks at: the envelope's type, version, source and its payload. */
export interface Routable {
  type: string;
  version: number;
  source: string;
  payload: Record<string, unknown>;
}

export interface Route {
  topic: string;
  priority: PriorityClass;
  /** The rule that matched. */
  rule: string;
}

/** Pure: the value at a dotted path of the payload, or undefined. */
export function valueAt(payload: Record<string, unknown>, path: string): unknown {
  let v: unknown = payload;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Pure: which conditions of `m` the event fails (empty: the rule matches). */
export function failedConditions(m: RouteMatch, e: Routable): string[] {
  const failed: string[] = [];
  if (m.type && !m.type.includes(e.type)) failed.push(`type ${e.type} not in [${m.type.join(', ')}]`);
  if (m.version && !m.version.includes(e.version)) failed.push(`version ${e.version} not in [${m.version.join(', ')}]`);
  if (m.source && !m.source.includes(e.source)) failed.push(`source ${e.source} not in [${m.source.join(', ')}]`);
  for (const [path, values] of Object.entries(m.payload ?? {})) {
    const v = valueAt(e.payload, path);
    if (!values.includes(v as string)) failed.push(`payload.${path} ${JSON.stringify(v)} not in ${JSON.stringify(values)}`);
  }
  return failed;
}

/** Routes events by the configured rules, first match wins. The record key stays the aggregateId whatever the rule. */
export class Router {
  private readonly rules: EffectiveRule[];

  constructor(config: RoutingConfig) {
    this.rules = effectiveRules(config);
  }

  /** Pure: the first rule that matches (the default at the latest). */
  route(e: Routable): Route {
    for (const r of this.rules) if (matches(r.match, e)) return { topic: r.topic, priority: r.priority, rule: r.name };
    throw new Error('unreachable: the default rule matches every event');
  }

  /** Every rule in order with the conditions the event fails, up to and including the one it hits. */
  explain(e: Routable): Array<{ rule: EffectiveRule; failed: string[] }> {
    const out: Array<{ rule: EffectiveRule; failed: string[] }> = [];
    for (const rule of this.rules) {
      const failed = failedConditions(rule.match, e);
      out.push({ rule, failed });
      if (failed.length === 0) break;
    }
    return out;
  }
}

/** The hot path: the same test as failedConditions without building messages. */
function matches(m: RouteMatch, e: Routable): boolean {
  if (m.type && !m.type.includes(e.type)) return false;
  if (m.version && !m.version.includes(e.version)) return false;
  if (m.source && !m.source.includes(e.source)) return false;
  if (m.payload) for (const path in m.payload) if (!m.payload[path]!.includes(valueAt(e.payload, path) as string)) return false;
  return true;
}
