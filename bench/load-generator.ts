import { ask, forkEntry } from './child-entry.js';
import type { LoadPlan, LoadResult } from './load-plan.js';

/** Runs a load plan in a separate process (so the client's CPU is not the gateway's or the harness's). */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const child = forkEntry('./load-generator-main');
  try {
    return await ask<LoadResult>(child, plan);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
