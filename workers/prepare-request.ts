import { workerData } from 'piscina';
import { randomTraceIds } from '../gateway/pipeline/enrich.js';
import { requestPreparer, type PrepareResult, type PrepareSettings, type PrepareTask } from '../gateway/sources/http/prepare-request.js';

const preparer = requestPreparer(workerData as PrepareSettings);

/**
 * Piscina worker entry: the HTTP requests that arrived in one turn of the event loop, each parsed,
 * validated, enriched and routed off the event loop. The records come back as one structured clone;
 * the commit happens on the main thread.
 */
export default function prepare(tasks: PrepareTask[]): PrepareResult[] {
  const now = Date.now();
  return tasks.map((t) => preparer.prepare(t, now, randomTraceIds));
}
