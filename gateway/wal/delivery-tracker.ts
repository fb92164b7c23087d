/**
 * Pure: which WAL sequence numbers Kafka has confirmed. Every seq <= `cursor` is delivered;
 * `ahead` holds the few delivered above it (delivery reports from different partitions arrive
 * out of sequence order). The cursor advances over the ahead set as the gaps fill.
 */
export class DeliveryTracker {
  private aheadSet: Set<number>;
  private changed = false;

  constructor(
    private cursorSeq: number,
    ahead: Iterable<number> = [],
  ) {
    this.aheadSet = new Set();
    for (const s of ahead) if (s > cursorSeq) this.aheadSet.add(s);
    this.advance();
  }

  get cursor(): number {
    return this.cursorSeq;
  }

  get aheadCount(): number {
    return this.aheadSet.size;
  }

  /** True when something changed since the last `takeSnapshot()`. */
  get dirty(): boolean {
    return this.changed;
  }

  isDelivered(seq: number): boolean {
    return seq <= this.cursorSeq || this.aheadSet.has(seq);
  }

  complete(seq: number): void {
    if (this.isDelivered(seq)) return;
    this.changed = true;
    if (seq === this.cursorSeq + 1) {
      this.cursorSeq = seq;
      this.advance();
    } else {
      this.aheadSet.add(seq);
    }
  }

  /** The state to persist; clears `dirty`. */
  takeSnapshot(): { cursor: number; ahead: number[] } {
    this.changed = false;
    return { cursor: this.cursorSeq, ahead: [...this.aheadSet] };
  }

  private advance(): void {
    while (this.aheadSet.delete(this.cursorSeq + 1)) this.cursorSeq++;
  }
}
