import type { Socket } from 'node:net';
import { GatewayError } from '../errors.js';
import type { SenderConfig } from './auth-config.js';
import { TokenBucket } from './token-bucket.js';

/**
 * One sender's limits: connections held open at once and events per second. A connection counts
 * for a sender from its first authenticated request until it closes.
 */
export class SenderLimits {
  private connections = 0;
  private readonly counted = new WeakSet<Socket>();
  private readonly bucket: TokenBucket | undefined;
  private refused = 0;

  constructor(private readonly config: Pick<SenderConfig, 'name' | 'maxConnections' | 'eventsPerSecond' | 'burstEvents'>) {
    this.bucket = config.eventsPerSecond === undefined ? undefined : new TokenBucket(config.eventsPerSecond, config.burstEvents ?? Math.max(1, Math.ceil(config.eventsPerSecond)));
  }

  /** Counts `socket` for this sender; throws GatewayError `too_many_connections` (429) when over `maxConnections`. */
  admitConnection(socket: Socket): void {
    if (this.counted.has(socket)) return;
    if (this.config.maxConnections !== undefined && this.connections >= this.config.maxConnections) {
      this.refused++;
      throw new GatewayError('too_many_connections', `sender '${this.config.name}' holds ${this.connections} connections, its limit (maxConnections); reuse one`, { retryAfterSeconds: 1 });
    }
    this.counted.add(socket);
    this.connections++;
    socket.once('close', () => this.connections--);
  }

  /** Takes `events` from the bucket; throws GatewayError `rate_limited` (429, with Retry-After) when the sender is over its rate. */
  takeEvents(events: number): void {
    const wait = this.bucket?.take(events) ?? 0;
    if (wait === 0) return;
    this.refused++;
    throw new GatewayError('rate_limited', `sender '${this.config.name}' is over its ${this.config.eventsPerSecond} events per second; nothing stored, retry after ${wait} s`, { retryAfterSeconds: wait });
  }

  /**
   * For FIX (TCP backpressure instead of a refusal): the events the sender's bucket holds now;
   * Infinity without `eventsPerSecond`.
   */
  eventsAvailable(): number {
    return this.bucket?.available() ?? Number.POSITIVE_INFINITY;
  }

  /** Counts `events` already taken in (FIX, after their commit) against the rate. */
  chargeEvents(events: number): void {
    this.bucket?.charge(events);
  }

  health(): Record<string, number> {
    return { connections: this.connections, refusedOverLimits: this.refused };
  }
}
