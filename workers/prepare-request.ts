import { workerData } from 'piscina';
import { niceThisThread } from '../gateway/lifecycle/thread-priority.js';
import { randomTraceIds } from '../gateway/pipeline/enrich.js';
import { requestPreparer, type PrepareResult, type PrepareSettings, type PrepareTask } from '../gateway/sources/http/prepare-request.js';

const settings = workerData as PrepareSettings & { nice?: number };
const preparer = requestPreparer(settings);
// The large-request lane yields the CPU to the event loop and the small-request lane (see RequestPool).
if (settings.nice !== undefined) niceThisThread(settings.nice);

/**
 * Piscina worker entry: the HTTP requests that arrived in one turn of the event loop, each parsed,
 * validated, enriched and routed off the event loop. The records come back as one structured clone;
 * the commit happens on the main thread.
 */
export default function prepare(tasks: PrepareTask[]): PrepareResult[] {
  const now = Date.now();
  return tasks.map((t) => {
    // A fault of ours on one request fails that request alone (500), not the others of its turn.
    try {
      return preparer.prepare(t, now, randomTraceIds);
    } catch (err) {
      return { ok: false, fault: (err as Error).stack ?? String(err) };
    }
  });
}
