import type { ComponentHealth, StopOutcome } from '../lifecycle/component.js';
import type { AppendOutcome, WalRecord } from './stored-event.js';
import type { Wal } from './wal.js';

interface Pending {
  records: readonly WalRecord[];
  urgent: boolean;
  alongside: ((outcomes: AppendOutcome[]) => void) | undefined;
  resolve: (outcomes: AppendOutcome[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: appends from all requests that arrive within one turn of the event loop share
 * one transaction, so the fsync cost is paid per group, never per event or per request.
 * Callers get their outcomes only after the commit, which is when they may acknowledge.
 */
export class GroupCommit {
  readonly name = 'commit';
  private queue: Pending[] = [];
  private scheduled = false;
  private onCommitted: Array<() => void> = [];
  private groups = 0;
  private failedGroups = 0;

  constructor(private readonly wal: Pick<Wal, 'appendBatch'>) {}

  start(): void {}

  /**
   * Appends `records` in the next group's transaction. `alongside` runs inside that transaction with
   * these records' outcomes (see `Wal.appendBatch`); if it throws, the whole group fails. `urgent`
   * appends (critical events) are committed in a transaction of their own ahead of the others
   * queued in the same turn, which wait for the next turn: a critical ack is answered before that
   * turn's bulk commit and its fsync (one fsync more for such a turn).
   */
  append(records: readonly WalRecord[], alongside?: (outcomes: AppendOutcome[]) => void, urgent = false): Promise<AppendOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, urgent, alongside, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Called after every successful commit that stored at least one new event. */
  onAppended(listener: () => void): void {
    this.onCommitted.push(listener);
  }

  /** Resolves once everything queued so far is committed (or failed): the senders have their answers. */
  async stop(): Promise<StopOutcome> {
    while (this.queue.length > 0 || this.scheduled) {
      await new Promise<void>((r) => setImmediate(r));
    }
    return 'clean';
  }

  health(): ComponentHealth {
    return { queuedRequests: this.queue.length, groupsCommitted: this.groups, groupsFailed: this.failedGroups };
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    if (queued.length === 0) return;
    const urgent = queued.filter((p) => p.urgent);
    if (urgent.length === 0 || urgent.length === queued.length) return this.commit(queued);
    this.commit(urgent);
    // The rest waits for the next turn: the urgent callers' continuations (their acks) run first,
    // rather than after the rest's fsync. Appends queued meanwhile join it, behind it.
    this.queue = [...queued.filter((p) => !p.urgent), ...this.queue];
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private commit(group: Pending[]): void {
    const all: WalRecord[] = [];
    for (const p of group) for (const r of p.records) all.push(r);
    let outcomes: AppendOutcome[];
    try {
      const hooks = group.some((p) => p.alongside)
        ? (all: AppendOutcome[]) => {
            let at = 0;
            for (const p of group) {
              p.alongside?.(all.slice(at, at + p.records.length));
              at += p.records.length;
            }
          }
        : undefined;
      outcomes = this.wal.appendBatch(all, hooks);
    } catch (err) {
      this.failedGroups++;
      for (const p of group) p.reject(err);
      return;
    }
    this.groups++;
    let at = 0;
    for (const p of group) {
      p.resolve(outcomes.slice(at, at + p.records.length));
      at += p.records.length;
    }
    if (outcomes.some((o) => !o.duplicate && !o.rejected)) for (const l of this.onCommitted) l();
  }
}
