import { makeEvent, ndjson, type TestEvent } from './events.js';

export interface LoadOptions {
  /** Base URL of the gateway; read before every request, so a restarted gateway is followed. */
  url: () => string;
  events: number;
  /** Events per request. */
  batch: number;
  /** Concurrent senders. Each owns its own keys, so per-key order is the sender's order. */
  lanes: number;
  /** Offered load in events/s over all lanes; unlimited when absent. */
  rate?: number;
  /** Distinct aggregateIds (keys). */
  keys?: number;
  prefix: string;
  type?: string;
  /** The events' `source` (default: makeEvent's). */
  source?: string;
}

export interface LoadResult {
  sent: number;
  /** Events whose request was answered 202 (or 200 with only duplicates among them). */
  acknowledged: number;
  /** Responses by status, e.g. { 202: 1900, 503: 4 }, and failed connections as 'network'. */
  responses: Record<string, number>;
  /** Error codes of 503 answers with their Retry-After, e.g. { wal_budget_exceeded: 4 }. */
  unavailable: Record<string, number>;
  retryAfterSeen: string[];
}

/**
 * A sender that never gives up on an event: each lane sends its batches in order and re-sends a
 * batch (same eventIds) until the gateway acknowledges it, through 503s, dropped connections and
 * gateway restarts. What the gateway acknowledged must then be in Kafka exactly once.
 */
export class LoadSender {
  readonly result: LoadResult = { sent: 0, acknowledged: 0, responses: {}, unavailable: {}, retryAfterSeen: [] };
  private readonly startedAt = Date.now();
  private stopped = false;
  readonly done: Promise<LoadResult>;
  /** True once `done` has settled: to poll alongside a gateway that may die (`gw.waitFor`). */
  settled = false;

  constructor(private readonly o: LoadOptions) {
    this.done = Promise.all(Array.from({ length: o.lanes }, (_, lane) => this.runLane(lane)))
      .then(() => this.result)
      .finally(() => (this.settled = true));
  }

  /** Stops after the requests in progress are acknowledged. */
  stop(): void {
    this.stopped = true;
  }

  private async runLane(lane: number): Promise<void> {
    const keys = this.o.keys ?? 1000;
    // Lane `lane` owns the keys k with k % lanes == lane, i.e. every event i with (i % keys) % lanes == lane.
    const mine: number[] = [];
    for (let i = 0; i < this.o.events; i++) if ((i % keys) % this.o.lanes === lane) mine.push(i);
    for (let at = 0; at < mine.length && !this.stopped; at += this.o.batch) {
      const ids = mine.slice(at, at + this.o.batch);
      if (this.o.rate) {
        const due = this.startedAt + (this.result.sent / this.o.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      this.result.sent += ids.length;
      await this.sendUntilAcknowledged(ndjson(ids.map((i) => loadEvent(this.o, i))), ids.length);
    }
  }

  private async sendUntilAcknowledged(body: string, count: number): Promise<void> {
    for (;;) {
      let status: string;
      let retryAfterMs = 100;
      try {
        const res = await fetch(`${this.o.url()}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        status = String(res.status);
        const json = (await res.json()) as { error?: { code: string } };
        if (res.status === 202 || res.status === 200) {
          this.count(status);
          this.result.acknowledged += count;
          return;
        }
        if (res.status === 503) {
          const code = json.error?.code ?? 'unknown';
          this.result.unavailable[code] = (this.result.unavailable[code] ?? 0) + 1;
          const ra = res.headers.get('retry-after');
          if (ra !== null) {
            this.result.retryAfterSeen.push(ra);
            retryAfterMs = Math.min(Number(ra) * 1000, 1000);
          }
        } else {
          throw new Error(`gateway answered ${res.status}: ${JSON.stringify(json)}`);
        }
      } catch (err) {
        if ((err as Error).message.startsWith('gateway answered')) throw err;
        status = 'network';
      }
      this.count(status);
      await sleep(retryAfterMs);
    }
  }

  private count(status: string): void {
    this.result.responses[status] = (this.result.responses[status] ?? 0) + 1;
  }
}

/** Event i of a load: key and per-key counter are derived from i, so a consumer can check order. */
export function loadEvent(o: Pick<LoadOptions, 'prefix' | 'keys' | 'type' | 'source'>, i: number): TestEvent {
  return makeEvent(`${o.prefix}-${i}`, `${o.prefix}-agg-${i % (o.keys ?? 1000)}`, i, { ...(o.type ? { type: o.type } : {}), ...(o.source ? { source: o.source } : {}) });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
