import type { Logger } from 'pino';
import { GatewayError } from '../errors.js';
import type { ComponentHealth } from '../lifecycle/component.js';

/**
 * Intake paused by an operator (`edge-gateway intake pause`), e.g. to drain the backlog before
 * maintenance: every new request is answered 503 `intake_paused` with `Retry-After` and changes
 * nothing, until `resume()`. Independent of the WAL budget's own pausing; not kept across restarts.
 */
export class IntakeGate {
  readonly name = 'intake';
  private pausedAt: number | undefined;

  constructor(private readonly deps: { log: Logger; retryAfterSeconds: number }) {}

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  /** Throws GatewayError `intake_paused` while paused. */
  admit(): void {
    if (this.pausedAt !== undefined) {
      throw new GatewayError('intake_paused', 'intake is paused by an operator (edge-gateway intake resume)', { retryAfterSeconds: this.deps.retryAfterSeconds });
    }
  }

  /** Returns whether this call changed anything (a second pause does not). */
  pause(): boolean {
    if (this.pausedAt !== undefined) return false;
    this.pausedAt = Date.now();
    this.deps.log.warn({ intake: 'paused', by: 'operator' }, 'intake paused by an operator');
    return true;
  }

  resume(): boolean {
    if (this.pausedAt === undefined) return false;
    const ms = Date.now() - this.pausedAt;
    this.pausedAt = undefined;
    this.deps.log.info({ intake: 'open', by: 'operator', pausedMs: ms }, 'intake resumed by an operator');
    return true;
  }

  health(): ComponentHealth {
    return this.pausedAt === undefined ? { state: 'open' } : { state: 'paused', pausedAt: new Date(this.pausedAt).toISOString() };
  }
}
