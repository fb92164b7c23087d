import type Kafka from 'node-rdkafka';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { StoredEvent } from '../../wal/stored-event.js';
import type { Wal } from '../../wal/wal.js';
import { codeName, codeOf, dispositionOf, type Disposition } from './kafka-errors.js';
import type { KafkaProducer } from './kafka-producer.js';
import { encodeDeadLetter } from './record-encoder.js';

export const PoisonTriageConfigSchema = z.strictObject({
  /** Dead letters are also copied to this topic when set (the dead-letter store stays the record). */
  deadLetterTopic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/).optional(),
});
export type PoisonTriageConfig = z.infer<typeof PoisonTriageConfigSchema>;

/**
 * Judges records Kafka refused. `poison` (this record can never be written) goes to the dead-letter
 * store, its row is finished and the rest flows on; `suspect` (the broker refused the request it
 * travelled in) is sent again alone, with nothing else in flight, and is poison only if refused
 * alone too; anything else is `retry`. Also re-drives dead letters on an operator's request.
 */
export class PoisonTriage {
  /** Records refused with a batch-level error, each to be sent again alone before it is judged. */
  private readonly suspects = new Map<number, Kafka.LibrdKafkaError>();
  /** The suspect travelling alone now; nothing else is handed over meanwhile. */
  private isolatingSeq: number | undefined;
  private deadLettered = 0;
  private copied = 0;

  constructor(
    private readonly config: PoisonTriageConfig,
    private readonly deps: {
      wal: Pick<Wal, 'readEvent' | 'deadLetters' | 'addDeadLetter' | 'redriveDeadLetter'>;
      ledger: { finish(seq: number): void; save(): boolean };
      producer: Pick<KafkaProducer, 'send' | 'ready' | 'refreshTopic'>;
      gatewayId: string;
      log: Logger;
      /** New rows to forward (a re-drive) or a row finished (a dead letter). */
      onChange: () => void;
    },
  ) {}

  /** The suspect travelling alone, if any. */
  get isolating(): number | undefined {
    return this.isolatingSeq;
  }

  isSuspect(seq: number): boolean {
    return this.suspects.has(seq);
  }

  /** The forwarder hands `seq` over alone. */
  isolate(seq: number): void {
    this.isolatingSeq = seq;
  }

  /** Isolation ended without a report for it (e.g. the batch never left). */
  endIsolation(): void {
    this.isolatingSeq = undefined;
  }

  delivered(seq: number): void {
    if (this.isolatingSeq === seq) this.isolatingSeq = undefined;
    this.suspects.delete(seq);
  }

  /**
   * Kafka refused `seq` (`local`: produce() itself refused it). Returns `poison` when the record is
   * now a dead letter (its row finished), else `suspect` or `retry`: the record stays pending.
   */
  refused(seq: number, err: Kafka.LibrdKafkaError, local: boolean): Disposition {
    const disposition = dispositionOf(codeOf(err), local);
    const wasIsolated = this.isolatingSeq === seq;
    if (wasIsolated) this.isolatingSeq = undefined;
    if (disposition === 'poison' || (disposition === 'suspect' && wasIsolated)) {
      return this.deadLetter(seq, err) ? 'poison' : 'retry';
    }
    if (disposition === 'suspect') this.suspects.set(seq, err);
    return disposition;
  }

  /**
   * Puts dead letter `seq` back at the end of the log under a new seq. Refreshes the topic's
   * metadata first (librdkafka remembers a missing topic for minutes) and records delivery progress.
   * Throws the GatewayErrors of `Wal.redriveDeadLetter`.
   */
  async redrive(seq: number): Promise<{ seq: number; redrivenSeq: number }> {
    const dead = this.deps.wal.deadLetters.get(seq);
    if (dead && this.deps.producer.ready) await this.deps.producer.refreshTopic(dead.topic);
    this.deps.ledger.save(); // the WAL re-drives only a row recorded as finished on disk
    const out = this.deps.wal.redriveDeadLetter(seq);
    this.deps.log.info(out, 'dead letter re-driven');
    this.deps.onChange();
    return out;
  }

  /** For the forwarder's health. */
  figures(): { deadLettered: number; deadLetterCopies: number; suspects: number; isolating: number | null } {
    return { deadLettered: this.deadLettered, deadLetterCopies: this.copied, suspects: this.suspects.size, isolating: this.isolatingSeq ?? null };
  }

  /** Stores the event as a dead letter and finishes its row; false if it could not be stored. */
  private deadLetter(seq: number, err: Kafka.LibrdKafkaError): boolean {
    const { wal, ledger, log } = this.deps;
    const error = { code: codeName(codeOf(err)), message: err.message };
    let event: StoredEvent | undefined;
    try {
      event = wal.readEvent(seq);
      if (!event) return false;
      wal.addDeadLetter(event, error);
    } catch (e) {
      log.error({ err: e, seq }, 'could not store a dead letter; the event stays pending');
      return false;
    }
    this.suspects.delete(seq);
    ledger.finish(seq);
    this.deadLettered++;
    log.error({ seq, eventId: event.eventId, topic: event.topic, error }, 'kafka refused the event permanently: moved to the dead-letter store');
    if (this.config.deadLetterTopic) this.copyToTopic(event, error, this.config.deadLetterTopic);
    this.deps.onChange();
    return true;
  }

  /** Best effort: the store is the record of dead letters; the topic is a convenience for consumers. */
  private copyToTopic(event: StoredEvent, error: { code: string; message: string }, topic: string): void {
    const { log } = this.deps;
    this.deps.producer
      .send(encodeDeadLetter(event, error, topic, this.deps.gatewayId), {
        delivered: () => {
          this.copied++;
          log.info({ seq: event.seq, topic }, 'dead letter copied to the dead-letter topic');
        },
        refused: (_seq, e) => {
          log.error({ seq: event.seq, topic, err: e.message }, 'could not copy a dead letter to the dead-letter topic (it stays in the store)');
          return 'poison';
        },
      })
      .catch(() => {});
  }
}
