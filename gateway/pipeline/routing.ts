import { z } from 'zod';

export const RoutingConfigSchema = z.strictObject({
  defaultTopic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, { message: 'must be a valid Kafka topic name' }),
  /** Event type -> topic; types not listed go to `defaultTopic`. */
  topics: z.record(z.string(), z.string().regex(/^[A-Za-z0-9._-]{1,249}$/)).default({}),
});
export type RoutingConfig = z.infer<typeof RoutingConfigSchema>;

/** Pure: the topic an event of this type is written to. */
export function routeTopic(type: string, config: RoutingConfig): string {
  return Object.hasOwn(config.topics, type) ? config.topics[type]! : config.defaultTopic;
}
