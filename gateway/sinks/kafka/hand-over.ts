import type { EncodedBatch } from './record-encoder.js';

/**
 * A batch for the breaker to hand over once. opossum keeps a call's arguments until the call settles
 * (in its timeout's closure), i.e. until the batch's last delivery report; the records and their
 * headers would live that long and be promoted by the GC (bench/README.md, "Third pass").
 */
export class HandOver {
  constructor(private batch: EncodedBatch | undefined) {}

  take(): EncodedBatch {
    const batch = this.batch;
    if (!batch) throw new Error('a batch is handed over once');
    this.batch = undefined;
    return batch;
  }
}
