/**
 * Pure: when the events of each seq range were received (epoch ms), so a delivery report can be
 * turned into an end-to-end latency without a WAL read. One entry per acknowledged request (its
 * accepted events take consecutive seqs), not per event; ranges a delivery has passed are dropped.
 * Bounded by `maxRanges`: beyond it the oldest range is dropped and its events go unobserved.
 */
export class ReceiptTimes {
  private firsts: number[] = [];
  private lasts: number[] = [];
  private times: number[] = [];
  private head = 0;

  constructor(private readonly maxRanges = 1_000_000) {}

  /** The events `first..last` (inclusive) were received at `at` (epoch ms). Ranges come in seq order. */
  add(first: number, last: number, at: number): void {
    if (this.size >= this.maxRanges) this.head++;
    this.firsts.push(first);
    this.lasts.push(last);
    this.times.push(at);
    this.compact();
  }

  /** When `seq` was received, or undefined when no range holds it (binary search). */
  receivedAt(seq: number): number | undefined {
    let lo = this.head;
    let hi = this.lasts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lasts[mid]! < seq) lo = mid + 1;
      else if (this.firsts[mid]! > seq) hi = mid - 1;
      else return this.times[mid];
    }
    return undefined;
  }

  /** Ranges still held. */
  get size(): number {
    return this.lasts.length - this.head;
  }

  /**
   * Forgets ranges wholly at or below `cursor` (every seq there is finished). Only the cursor says
   * so: deliveries come out of seq order across partitions.
   */
  dropThrough(cursor: number): void {
    while (this.head < this.lasts.length && this.lasts[this.head]! <= cursor) this.head++;
    this.compact();
  }

  private compact(): void {
    if (this.head < 4096 || this.head * 2 < this.lasts.length) return;
    this.firsts = this.firsts.slice(this.head);
    this.lasts = this.lasts.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
