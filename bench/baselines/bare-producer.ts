import { ask, forkEntry } from '../child-entry.js';
import type { BareProducerRequest } from './bare-producer-main.js';

/** L2: see bare-producer-main.ts. */
export async function bareProducer(req: BareProducerRequest): Promise<{ eventsPerSec: number; cpuSecondsPerMillion: number }> {
  const child = forkEntry('./baselines/bare-producer-main');
  try {
    return await ask<{ eventsPerSec: number; cpuSecondsPerMillion: number }>(child, req);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
