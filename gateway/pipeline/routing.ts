import { z } from 'zod';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, { message: 'must be a valid Kafka topic name' });

/** The `routing` section, owned by the pipeline: which topic each event goes to. */
export const RoutingConfigSchema = z.strictObject({
  /** Topic of every event type not listed in `topics`. */
  defaultTopic: topicName.default('trade-events'),
  /** Event type -> topic. */
  topics: z.record(z.string(), topicName).default({}),
});
export type RoutingConfig = z.infer<typeof RoutingConfigSchema>;

/** Pure: the topic an event of this type is written to. */
export function routeTopic(type: string, config: RoutingConfig): string {
  return Object.hasOwn(config.topics, type) ? config.topics[type]! : config.defaultTopic;
}
