import { z } from 'zod';
import { GatewayError } from '../errors.js';
import { PRIORITY_CLASSES, type PriorityClass } from './route-rule.js';
import type { Route, Routable } from './routing.js';

const classSchema = z.enum(PRIORITY_CLASSES);
const bound = (events: number) =>
  z.strictObject({ maxQueuedEvents: z.number().int().positive().default(events) }).prefault({});

/**
 * The `bulkheads` section: a bounded queue per priority class, so a flood of one class (bulk
 * replays, large batches) cannot starve another's requests. An event's class is the priority of the
 * routing rule it hits, unless `classOfType` or `classOfTopic` overrides it; an input that is not an
 * event object at all counts in `defaultClass`.
 */
export const BulkheadsConfigSchema = z.strictObject({
  defaultClass: classSchema.default('normal'),
  /** Event type -> class, e.g. { TradeConfirmed: critical, PositionReported: bulk }. */
  classOfType: z.record(z.string(), classSchema).default({}),
  /** Topic (from `routing`) -> class, for types not in `classOfType`. */
  classOfTopic: z.record(z.string(), classSchema).default({}),
  /**
   * Per class: events admitted and not yet committed (validating or waiting for the group commit),
   * at most. A request that would pass it is refused whole: 503 `class_queue_full` with
   * `Retry-After`, for that class alone.
   */
  classes: z
    .strictObject({ critical: bound(10_000), normal: bound(50_000), bulk: bound(5_000) })
    .prefault({}),
  /** `Retry-After` of a `class_queue_full` answer, in seconds. */
  retryAfterSeconds: z.number().int().positive().max(3600).default(1),
});
export type BulkheadsConfig = z.infer<typeof BulkheadsConfigSchema>;

/**
 * Pure: the class of an event of this type on this route: `classOfType`, else `classOfTopic`, else
 * the priority class of the routing rule it hits (content-based routing, `routing.rules`).
 */
export function classOf(type: string, route: Pick<Route, 'topic' | 'priority'>, config: BulkheadsConfig): PriorityClass {
  if (Object.hasOwn(config.classOfType, type)) return config.classOfType[type]!;
  if (Object.hasOwn(config.classOfTopic, route.topic)) return config.classOfTopic[route.topic]!;
  return route.priority;
}

/** Events a request holds in each class's queue until `leave()`. */
export interface BulkheadTicket {
  leave(): void;
}

/**
 * Counts the events in each class's queue and refuses a request that would overflow one. For FIX
 * the count covers a request from before its validation to its commit (a refused request costs its
 * parse only); for HTTP from after its validation on an intake thread to its commit. A full bulk
 * queue also bounds how many bulk rows share a critical event's commit.
 */
export class Bulkheads {
  readonly name = 'bulkheads';
  private readonly queued: Record<PriorityClass, number> = { critical: 0, normal: 0, bulk: 0 };
  private readonly refused: Record<PriorityClass, number> = { critical: 0, normal: 0, bulk: 0 };

  constructor(readonly config: BulkheadsConfig) {}

  /**
   * Takes a request's events (count per class) into their queues, whole or not at all. Throws
   * GatewayError `class_queue_full` (naming the class) when one would pass its bound; a request alone
   * larger than the bound is taken when the queue is empty, so nothing is refused forever.
   */
  enter(counts: Readonly<Record<PriorityClass, number>>): BulkheadTicket {
    for (const c of PRIORITY_CLASSES) {
      const n = counts[c];
      if (n === 0) continue;
      const max = this.config.classes[c].maxQueuedEvents;
      if (this.queued[c] > 0 && this.queued[c] + n > max) {
        this.refused[c]++;
        throw new GatewayError(
          'class_queue_full',
          `the ${c} class's queue is full: ${this.queued[c]} events queued, this request has ${n} (bulkheads.classes.${c}.maxQueuedEvents = ${max}); other classes are not affected`,
          { retryAfterSeconds: this.config.retryAfterSeconds },
        );
      }
    }
    for (const c of PRIORITY_CLASSES) this.queued[c] += counts[c];
    let left = false;
    return {
      leave: () => {
        if (left) return;
        left = true;
        for (const c of PRIORITY_CLASSES) this.queued[c] -= counts[c];
      },
    };
  }

  health(): Record<string, unknown> {
    const classes: Record<string, unknown> = {};
    for (const c of PRIORITY_CLASSES) {
      classes[c] = { queuedEvents: this.queued[c], maxQueuedEvents: this.config.classes[c].maxQueuedEvents, refusedRequests: this.refused[c] };
    }
    return classes;
  }
}

/**
 * Pure: how many of a request's events fall in each class, from their raw `type` before validation
 * (an event without a string type counts in the default class; validation rejects it later).
 */
export function countByClass(inputs: readonly { value: unknown }[], routeOf: (e: Routable) => Pick<Route, 'topic' | 'priority'>, config: BulkheadsConfig): Record<PriorityClass, number> {
  const counts: Record<PriorityClass, number> = { critical: 0, normal: 0, bulk: 0 };
  for (const input of inputs) {
    const v = input.value as Partial<Record<keyof Routable, unknown>> | null;
    if (v === null || typeof v !== 'object' || typeof v.type !== 'string') {
      counts[config.defaultClass]++;
      continue;
    }
    // Routed on the raw value: fields validation would refuse simply match no rule that names them.
    const payload = v.payload !== null && typeof v.payload === 'object' ? (v.payload as Record<string, unknown>) : {};
    const e: Routable = { type: v.type, version: typeof v.version === 'number' ? v.version : 0, source: typeof v.source === 'string' ? v.source : '', payload };
    counts[classOf(v.type, routeOf(e), config)]++;
  }
  return counts;
}
