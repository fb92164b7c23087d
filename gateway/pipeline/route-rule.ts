import { z } from 'zod';

/** A Kafka topic name (Kafka's own rule: 1-249 of A-Z a-z 0-9 . _ -). */
export const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, { message: 'must be a valid Kafka topic name' });

/** What the forwarder and the metrics may treat differently; it never changes the key or the order. */
export const PRIORITY_CLASSES = ['critical', 'normal', 'bulk'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A rule's conditions: all given ones must hold; a list holds when the event's value is one of it. */
export const RouteMatchSchema = z.strictObject({
  type: z.array(z.string().min(1)).min(1).optional(),
  /** The version the bus sees: the current one, after upcasting. */
  version: z.array(z.number().int().positive()).min(1).optional(),
  source: z.array(z.string().min(1)).min(1).optional(),
  /** Payload field path (dotted, e.g. `assetClass`, `instrument.isin`) -> accepted values. */
  payload: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/), z.array(scalar).min(1)).optional(),
});
export type RouteMatch = z.infer<typeof RouteMatchSchema>;

export const RouteRuleSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  match: RouteMatchSchema.default({}),
  topic: topicName,
  priority: z.enum(PRIORITY_CLASSES).default('normal'),
});
export type RouteRule = z.infer<typeof RouteRuleSchema>;

/** One rule in evaluation order, with where it came from in the config (`rules[0]`, `topics.X`, `defaultTopic`). */
export interface EffectiveRule {
  name: string;
  at: Array<string | number>;
  match: RouteMatch;
  topic: string;
  priority: PriorityClass;
}

