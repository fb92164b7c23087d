/** Latency percentiles in milliseconds, rounded to 0.01 ms; `null` when there were no samples. */
export interface Percentiles {
  p50: number | null;
  p99: number | null;
  p999: number | null;
}

/**
 * Pure: nearest-rank percentiles of `samples` (sorted in place, so pass a copy if it matters).
 * Nearest rank rather than interpolation: p99.9 of 1,000 samples is the slowest one, as it should be.
 */
export function percentiles(samples: Float64Array | number[]): Percentiles {
  const n = samples.length;
  if (n === 0) return { p50: null, p99: null, p999: null };
  const sorted = samples instanceof Float64Array ? samples.sort() : Float64Array.from(samples).sort();
  const at = (q: number) => round(sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!);
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999) };
}

/** A growable list of float samples that does not box numbers (millions of latencies). */
export class Samples {
  private buf = new Float64Array(1024);
  private n = 0;

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  get length(): number {
    return this.n;
  }

  percentiles(): Percentiles {
    return percentiles(this.buf.slice(0, this.n));
  }
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
