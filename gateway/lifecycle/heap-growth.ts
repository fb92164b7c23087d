import { setFlagsFromString } from 'node:v8';

/** How far past its live data a V8 heap may grow before a full GC, in percent (V8's `--heap-growing-percent`). */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets how far each V8 heap grows past its live data before a full GC to a fixed factor of 2
 * (`HEAP_GROWING_PERCENT`, V8's `--heap-growing-percent`), where V8 otherwise picks a factor of up
 * to 4 on this class of machine. The heap limit itself is unchanged. V8 flags are per process, so
 * this covers the worker threads too; set before they start (V8 reads the flag at each full GC;
 * present on Node 20, 22 and 24). Measured (bench/README.md, "Third pass"): S1 peak RSS 295 ->
 * 222-228 MB for ~6 % more CPU per event. Returns false, changing nothing, when the operator set
 * the flag (a node argument or NODE_OPTIONS).
 */
export function capHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if ([...execArgv, nodeOptions].some((a) => /--heap[-_]growing[-_]percent\b/.test(a))) return false;
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
