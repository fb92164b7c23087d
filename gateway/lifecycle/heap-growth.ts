import { setFlagsFromString } from 'node:v8';

/** How far past its live data a V8 heap may grow before a full GC, in percent (V8's `--heap-growing-percent`). */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Caps each V8 heap's growth past its live data at a factor of 2 (`HEAP_GROWING_PERCENT`), V8's own
 * ceiling for small devices, where on this class of machine it lets a heap grow to up to 4 times its
 * live data. V8 flags are per process, so this covers the worker threads too; set before they start.
 * Measured (bench/README.md, "Third pass"): S1 peak RSS 295 -> 228 MB for ~6 % more CPU per event.
 * Returns false, changing nothing, when the operator set the flag (a node argument or NODE_OPTIONS).
 */
export function capHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if ([...execArgv, nodeOptions].some((a) => /--heap[-_]growing[-_]percent\b/.test(a))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
