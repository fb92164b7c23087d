import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ERROR_CODES, GatewayError } from '../../errors.js';
import type { Sender } from '../../auth/sender-registry.js';
import type { Ingest } from '../../pipeline/ingest.js';
import { decodeFields, fieldValue, type FixMessage } from './codec/fix-message.js';
import { FixParser } from './codec/fix-parser.js';
import { planBatch } from './fix-application.js';
import type { MappingConfig } from './mapping/trade-mapping.js';
import { FixSession } from './session/fix-session.js';
import type { SessionStore } from './session/session-store.js';
import type { Delivered, Outbound, SessionAction, SessionSettings } from './session/session-types.js';

export interface ConnectionDeps {
  log: Logger;
  store: SessionStore;
  ingest: Pick<Ingest, 'submit'>;
  mapping: MappingConfig;
  /** False while the WAL is at its budget: stop reading (TCP backpressure), keep heartbeating. */
  admitting: () => boolean;
  /** The session these CompIDs and this peer address may log on as, or why not. */
  /** `sender`: the auth.senders entry its events are submitted as (its sources checked, its rate applied). */
  resolve: (senderCompId: string, targetCompId: string, address: string) => { settings: SessionSettings; key: string; sender?: Sender } | { refused: string };
  /** Claims the session for this connection; false when another connection has it (a second Logon). */
  claim: (key: string, c: FixConnection) => boolean;
  release: (key: string, c: FixConnection) => void;
  now: () => number;
  maxMessageBytes: number;
  /** Parsed messages held while a commit is in progress; above it the socket is paused. */
  maxQueued: number;
}

/**
 * The I/O shell of one TCP connection: bytes -> parser -> session -> (events, WAL commit with the
 * session's sequence numbers and acks in the same transaction) -> bytes. One batch of messages at a
 * time; acks go out only after their commit.
 */
export class FixConnection {
  session: FixSession | undefined;
  key: string | undefined;
  private readonly parser: FixParser;
  private readonly inbox: FixMessage[] = [];
  private committing = false;
  private closed = false;
  private pausedByBudget = false;
  /** The bound sender's events-per-second bucket is empty: reading stops until it refills. */
  private pausedByRate = false;
  private sender: Sender | undefined;
  /** A Logout asked for while a batch commits: sent after its acks. */
  private logoutAfterCommit: string | undefined;
  private readonly address: string;
  /** Resolves when the socket has closed. */
  readonly done: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.address = socket.remoteAddress ?? '';
    this.parser = new FixParser({ maxBodyBytes: deps.maxMessageBytes, beginString: 'FIX.4.4' }, {
      frame: (bytes) => this.onFrame(bytes),
      garbled: (reason, bytes) => this.deps.log.warn({ session: this.key, peer: this.address, reason, bytes: bytes.subarray(0, 200).toString('latin1') }, 'garbled FIX message dropped'),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.parser.parse(chunk);
      this.pump();
    });
    socket.on('error', (err) => this.deps.log.info({ err, session: this.key, peer: this.address }, 'FIX connection error'));
    this.done = new Promise((resolve) => socket.once('close', () => (this.onClose(), resolve())));
  }

  /** Timers: heartbeats and timeouts; resumes reading once the WAL admits again. */
  tick(): void {
    // While a batch commits, its messages hold the next seqs: nothing may be sent before them.
    if (!this.session || this.closed || this.committing) return;
    if (this.pausedByBudget && this.deps.admitting()) {
      this.pausedByBudget = false;
      this.deps.log.info({ session: this.key }, 'FIX input resumed: the WAL admits again');
      this.pump();
    }
    if (this.pausedByRate && (this.sender?.limits?.eventsAvailable() ?? 1) > 0) {
      this.pausedByRate = false;
      this.pump();
    }
    this.apply(this.session.tick(this.deps.now(), this.pausedByBudget || this.pausedByRate || this.socket.isPaused()));
  }

  /** Our Logout (shutdown); the session ends on the counterparty's Logout or its timeout. */
  logout(text: string): void {
    if (!this.session) return void this.socket.destroy();
    if (this.committing) this.logoutAfterCommit = text;
    else this.apply(this.session.logout(this.deps.now(), text));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onFrame(bytes: Buffer): void {
    if (this.closed) return;
    const d = decodeFields(bytes);
    if (!d.ok) return this.deps.log.warn({ session: this.key, reason: d.reason }, 'garbled FIX message dropped');
    if (!this.session && !this.bind(d.message)) return;
    this.inbox.push(d.message);
    if (this.inbox.length >= this.deps.maxQueued) this.socket.pause();
  }

  /** The first message names the session; unknown CompIDs, addresses or a live session: closed without a reply. */
  private bind(m: FixMessage): boolean {
    const get = (tag: number) => fieldValue(m, tag) ?? '';
    const r = this.deps.resolve(get(56), get(49), this.address);
    if ('refused' in r) {
      this.deps.log.warn({ peer: this.address, senderCompId: get(49), targetCompId: get(56) }, `FIX connection refused: ${r.refused}`);
      this.closed = true;
      this.socket.destroy();
      return false;
    }
    if (!this.deps.claim(r.key, this)) {
      this.deps.log.warn({ peer: this.address, session: r.key }, 'FIX connection refused: the session is already logged on');
      this.closed = true;
      this.socket.destroy();
      return false;
    }
    this.key = r.key;
    this.sender = r.sender;
    const store = this.deps.store;
    this.session = new FixSession(r.settings, store.load(r.key), { outbound: (from, to) => store.outbound(r.key, from, to) }, this.deps.now());
    return true;
  }

  /** Processes what is queued, one batch (and one commit) at a time. */
  private pump(): void {
    while (!this.committing && !this.closed && this.session && this.inbox.length > 0) {
      if (!this.deps.admitting()) {
        if (!this.pausedByBudget) this.deps.log.warn({ session: this.key }, 'FIX input paused: the WAL is at its budget');
        this.pausedByBudget = true;
        this.socket.pause();
        return;
      }
      // The bound sender's rate: take in at most the events its bucket holds, stop reading while it is empty.
      const allowance = this.sender?.limits?.eventsAvailable() ?? Number.POSITIVE_INFINITY;
      if (allowance === 0) {
        if (!this.pausedByRate) this.deps.log.info({ session: this.key, sender: this.sender!.name }, 'FIX input paused: the sender is over its eventsPerSecond');
        this.pausedByRate = true;
        this.socket.pause();
        return;
      }
      const batch = this.inbox.splice(0, Math.min(this.inbox.length, allowance));
      const now = this.deps.now();
      const actions: SessionAction[] = [];
      let used = 0;
      for (const m of batch) {
        used++;
        const a = this.session.receive(m, now);
        actions.push(...a);
        if (a.some((x) => x.kind === 'disconnect')) break;
      }
      const deliveries = actions.flatMap((a) => (a.kind === 'deliver' ? [a.delivered] : []));
      if (deliveries.length === 0) {
        this.apply(actions);
        continue;
      }
      this.committing = true;
      void this.commit(actions, deliveries, batch.slice(0, used)).finally(() => {
        this.committing = false;
        if (this.logoutAfterCommit !== undefined && !this.closed) this.logout(this.logoutAfterCommit);
        this.logoutAfterCommit = undefined;
        if (!this.closed && this.inbox.length < this.deps.maxQueued && !this.pausedByBudget && !this.pausedByRate) this.socket.resume();
        this.pump();
      });
    }
    if (!this.closed && this.inbox.length < this.deps.maxQueued && !this.pausedByBudget && !this.pausedByRate && this.socket.isPaused()) this.socket.resume();
  }

  /** Submits the batch's events; inside their commit, assigns and stores the acks with the seqs. */
  private async commit(actions: SessionAction[], deliveries: Delivered[], batch: FixMessage[]): Promise<void> {
    const session = this.session!;
    const key = this.key!;
    const plan = planBatch(deliveries, this.deps.mapping, session.settings);
    const acks: Outbound[] = [];
    try {
      await this.deps.ingest.submit(plan.inputs.map((value) => ({ value })), {
        ...(this.sender ? { sender: this.sender } : {}),
        alongside: (outcomes) => {
          const now = this.deps.now();
          acks.length = 0;
          for (const ack of plan.acks(outcomes)) acks.push(session.send(ack.msgType, ack.body, now));
          const sent = actions.flatMap((a) => (a.kind === 'send' ? [a.message] : []));
          const seqs = session.seqNums;
          this.deps.store.record(key, { reset: actions.some((a) => a.kind === 'reset'), sent: [...sent, ...acks], nextSenderSeq: seqs.nextSenderSeq, nextTargetSeq: seqs.nextTargetSeq });
        },
      });
    } catch (err) {
      // Nothing of the batch is on disk: the session goes back to what is.
      session.restore(this.deps.store.load(key));
      // Intake cannot take more now (budget, disk, an operator's pause, a full class queue): stop
      // reading (TCP backpressure) and take the batch again once it can, instead of rejecting trades.
      if (err instanceof GatewayError && ERROR_CODES[err.code] === 'unavailable') {
        this.inbox.unshift(...batch);
        this.pausedByBudget = true;
        this.socket.pause();
        return;
      }
      this.deps.log.error({ err, session: key }, 'FIX batch not committed: ending the session');
      return this.apply(session.logout(this.deps.now(), 'gateway cannot store messages now'), true);
    }
    this.sender?.limits?.chargeEvents(plan.inputs.length);
    this.apply(actions, true);
    for (const a of acks) this.write(a.bytes);
  }

  /** Persists (unless done inside a commit), writes, logs and disconnects as the actions say. */
  private apply(actions: SessionAction[], persisted = false): void {
    const key = this.key!;
    if (!persisted) {
      const sent = actions.flatMap((a) => (a.kind === 'send' ? [a.message] : []));
      const reset = actions.some((a) => a.kind === 'reset');
      const seqs = this.session!.seqNums;
      try {
        // While a commit is in progress its target seq is not yet ours to record.
        if (sent.length > 0 || reset || (!this.committing && actions.length > 0)) {
          this.deps.store.recordAlone(key, { reset, sent, nextSenderSeq: seqs.nextSenderSeq, ...(this.committing ? {} : { nextTargetSeq: seqs.nextTargetSeq }) });
        }
      } catch (err) {
        // Unrecorded messages are never sent: end the connection; the counterparty resends.
        this.deps.log.error({ err, session: key }, 'FIX session state not stored: closing the connection');
        this.session!.restore(this.deps.store.load(key));
        this.closed = true;
        return void this.socket.destroy();
      }
    }
    for (const a of actions) {
      if (a.kind === 'send') this.write(a.message.bytes);
      else if (a.kind === 'resend') this.write(a.bytes);
      else if (a.kind === 'log') this.deps.log[a.level]({ session: key, ...a.fields }, a.msg);
      else if (a.kind === 'disconnect') this.disconnect(a.reason);
    }
  }

  private write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  private disconnect(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.deps.log.info({ session: this.key, peer: this.address, reason }, 'FIX session disconnected');
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onClose(): void {
    this.closed = true;
    if (this.session && this.key) {
      const actions = this.session.disconnected();
      if (actions.some((a) => a.kind === 'reset')) this.deps.store.recordAlone(this.key, { reset: true, sent: [], nextSenderSeq: 1, nextTargetSeq: 1 });
      this.deps.release(this.key, this);
    }
  }
}
