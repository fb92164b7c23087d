import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority to `nice` (setpriority(2) on its own thread id, which
 * Linux keeps per thread): every thread at a lower nice value, this process's and other processes',
 * gets the CPU first when it needs it.
 * Returns false where it cannot (not Linux, or not permitted) and changes nothing then.
 */
export function niceThisThread(nice: number): boolean {
  try {
    // /proc/thread-self -> "<pid>/task/<tid>" (Linux 3.17+).
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
