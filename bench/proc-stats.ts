import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time and peak memory of another process, from Linux's /proc (null elsewhere). */
export interface ProcStats {
  /** user + system CPU seconds consumed so far. */
  cpuSeconds: number | null;
  /** VmHWM: the peak resident set size so far, in MiB. */
  peakRssMb: number | null;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default
    }
  }
  return ticksPerSecond;
}

export function procStats(pid: number): ProcStats {
  let cpuSeconds: number | null = null;
  let peakRssMb: number | null = null;
  try {
    // The command name (field 2) may contain spaces; fields are counted after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks(); // utime, stime (fields 14, 15)
  } catch {
    /* not Linux, or the process is gone */
  }
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) peakRssMb = Math.round((Number(m[1]) / 1024) * 10) / 10;
  } catch {
    /* as above */
  }
  return { cpuSeconds, peakRssMb };
}

/** Current resident set size (VmRSS) of another process in MiB; 0 once it has exited or off Linux. */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
