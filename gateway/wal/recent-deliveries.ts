/**
 * Pure: the partition and offset of the last `capacity` delivered seqs, in a fixed ring indexed by
 * seq (slot = seq mod capacity), so remembering one costs O(1) and no allocation. Replaced a Map
 * trimmed from its front: V8's ordered hash tables keep deleted entries as holes until a rehash, so
 * `map.keys().next()` skipped up to `capacity` holes per delivery report, 11-40 us each beyond the
 * first 100,000 deliveries (the drain slowed as the backlog grew; bench/README.md).
 */
export class RecentDeliveries {
  private readonly seqs: Float64Array;
  private readonly partitions: Int32Array;
  private readonly offsets: Float64Array;

  /** `capacity`: deliveries remembered (0: none). Preallocates 20 bytes each. */
  constructor(readonly capacity: number) {
    this.seqs = new Float64Array(capacity).fill(-1);
    this.partitions = new Int32Array(capacity);
    this.offsets = new Float64Array(capacity);
  }

  set(seq: number, partition: number, offset: number): void {
    if (this.capacity === 0) return;
    const slot = seq % this.capacity;
    this.seqs[slot] = seq;
    this.partitions[slot] = partition;
    this.offsets[slot] = offset;
  }

  /** Where `seq` was delivered, if it is still remembered (a later seq with the same slot evicts it). */
  get(seq: number): { partition: number; offset: number } | undefined {
    if (this.capacity === 0) return undefined;
    const slot = seq % this.capacity;
    if (this.seqs[slot] !== seq) return undefined;
    return { partition: this.partitions[slot]!, offset: this.offsets[slot]! };
  }
}
