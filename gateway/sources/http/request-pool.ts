import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { GatewayError } from '../../errors.js';
import { stopOnce, type ComponentHealth, type StopOutcome } from '../../lifecycle/component.js';
import { workerFile } from '../../lifecycle/worker-file.js';
import { randomTraceIds } from '../../pipeline/enrich.js';
import type { PreparedRequest } from '../../pipeline/ingest.js';
import type { HttpConfig } from './http-config.js';
import { warmUpBody } from './warm-up.js';
import { refusalError, requestPreparer, type PrepareResult, type PrepareSettings, type PrepareTask } from './prepare-request.js';

type Lane = 'small' | 'large';

interface Waiting {
  task: PrepareTask;
  resolve: (r: PrepareResult) => void;
  reject: (err: unknown) => void;
}

/** Body characters one hand-over carries at most (about 1 MiB): larger turns are split. */
const MAX_BATCH_CHARS = 1 << 20;
/** Sample events the small-request lane (or the inline path) validates before the listener opens (see start). */
const WARM_UP_EVENTS = 2_000;
/** The large-request thread's nice value (Linux): it gets the CPU after the event loop and the small requests' thread. */
const LARGE_LANE_NICE = 19;

/**
 * Where HTTP requests are parsed, validated, enriched and routed: on worker threads (piscina), so
 * the event loop keeps only I/O, the WAL commit and forwarding. Two lanes: bodies over
 * `http.largeRequestBytes` go to a thread of their own, so a flood of large batches never queues
 * ahead of small requests (the bulkheads then bound each class at the commit). With
 * `http.workerThreads` 0 the work runs on the event loop (the measured alternative; bench/README.md).
 */
export class RequestPool {
  readonly name = 'intakeThreads';
  private readonly lanes: Partial<Record<Lane, Piscina<PrepareTask[], PrepareResult[]>>> = {};
  /** Requests of this turn, per lane, handed over together at its end (one task costs ~40 us of CPU). */
  private readonly waiting: Record<Lane, Waiting[]> = { small: [], large: [] };
  private readonly inline: ReturnType<typeof requestPreparer> | undefined;
  private readonly settings: PrepareSettings;
  private readonly running: Record<Lane, number> = { small: 0, large: 0 };
  /** Body characters of the requests waiting for or on a thread, per lane (see `http.maxQueuedBodyBytes`). */
  private readonly queuedChars: Record<Lane, number> = { small: 0, large: 0 };
  private busyRefusals = 0;
  private warmedUpEvents = 0;
  private prepared = 0;

  readonly stop: (deadline: number) => Promise<StopOutcome>;

  constructor(
    private readonly config: Pick<HttpConfig, 'workerThreads' | 'largeRequestBytes' | 'largeRequestThreadIdleMs' | 'maxQueuedBodyBytes'>,
    deps: { settings: PrepareSettings; log: Logger },
  ) {
    this.settings = deps.settings;
    const threads = config.workerThreads;
    if (threads === 0) this.inline = requestPreparer(deps.settings);
    else {
      // A 4 MB young generation per thread (V8's default is up to 16 MB a semi-space): ~20-60 MB less peak RSS, same S1 rate.
      const lane = (min: number, max: number, idleTimeout: number, nice?: number) =>
        new Piscina<PrepareTask[], PrepareResult[]>({ filename: workerFile('prepare-request'), minThreads: min, maxThreads: max, idleTimeout, workerData: { ...deps.settings, nice }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      // One thread: both lanes share it. More: one for large requests, the rest for small ones. The
      // large-request thread starts when needed: an idle V8 heap is ~30 MB of RSS (bench/README.md).
      this.lanes.small = lane(Math.max(1, threads - 1), Math.max(1, threads - 1), Number.POSITIVE_INFINITY);
      this.lanes.large = threads === 1 ? this.lanes.small : lane(0, 1, config.largeRequestThreadIdleMs, LARGE_LANE_NICE);
      // A thread that fails outside a task (piscina replaces it): logged, never an uncaught exception.
      for (const pool of new Set(Object.values(this.lanes))) pool.on('error', (err: unknown) => deps.log.error({ err }, 'an intake thread failed'));
    }
    this.stop = stopOnce(() => this.close(), (err) => deps.log.error({ err }, 'intake threads failed to stop'));
  }

  /**
   * Runs about WARM_UP_EVENTS sample events through the small-request lane's thread (or the inline
   * path) before the listener opens, so the first senders do not pay for cold validators. Resolves
   * once done; what the configured limits refuse of the samples only warms less.
   */
  async start(): Promise<void> {
    const perTask = Math.min(WARM_UP_EVENTS, this.settings.limits.maxEvents);
    const tasks = Array.from({ length: Math.ceil(WARM_UP_EVENTS / perTask) }, (): PrepareTask => ({ body: warmUpBody(perTask), format: 'json' }));
    const results = this.inline
      ? await Promise.all(tasks.map((t) => this.inline!.prepareYielding(t, Date.now(), randomTraceIds)))
      : await this.lanes.small!.run(tasks);
    for (const r of results) if (r.ok) this.warmedUpEvents += r.prepared.records.length;
  }

  /**
   * Parses and validates one request's events (see `requestPreparer`). Rejects with the request's
   * GatewayError (`malformed_json`, `empty_batch`, `too_many_events`), with `intake_busy` when its
   * lane holds `http.maxQueuedBodyBytes` already, or with a plain Error when a thread failed on it
   * (a fault: 500). Per-event problems are in the result's `rejected`.
   */
  async prepare(task: PrepareTask): Promise<PreparedRequest> {
    const lane: Lane = task.body.length > this.config.largeRequestBytes ? 'large' : 'small';
    const chars = task.body.length;
    if (this.queuedChars[lane] > 0 && this.queuedChars[lane] + chars > this.config.maxQueuedBodyBytes) {
      this.busyRefusals++;
      throw new GatewayError('intake_busy', `the intake threads' ${lane}-request queue is full: ${this.queuedChars[lane]} body bytes queued (http.maxQueuedBodyBytes = ${this.config.maxQueuedBodyBytes}); retry shortly`, { retryAfterSeconds: 1 });
    }
    this.running[lane]++;
    this.queuedChars[lane] += chars;
    try {
      const result = this.inline ? await this.inline.prepareYielding(task, Date.now(), randomTraceIds) : await this.handOver(lane, task);
      // A fault is a plain Error: a 500 whose text stays in the log (respond.ts).
      if (!result.ok) throw 'fault' in result ? new Error(`an intake thread failed on this request: ${result.fault}`) : refusalError(result.refusal);
      this.prepared++;
      return result.prepared;
    } finally {
      this.running[lane]--;
      this.queuedChars[lane] -= chars;
    }
  }

  /** Queues `task` for its lane's next hand-over: every request of this turn in one piscina task. */
  private handOver(lane: Lane, task: PrepareTask): Promise<PrepareResult> {
    return new Promise((resolve, reject) => {
      const waiting = this.waiting[lane];
      waiting.push({ task, resolve, reject });
      if (waiting.length === 1) setImmediate(() => this.flush(lane));
    });
  }

  private flush(lane: Lane): void {
    const all = this.waiting[lane];
    this.waiting[lane] = [];
    for (let from = 0; from < all.length; ) {
      let to = from;
      let chars = 0;
      while (to < all.length && (to === from || chars + all[to]!.task.body.length <= MAX_BATCH_CHARS)) chars += all[to++]!.task.body.length;
      const batch = all.slice(from, to);
      this.lanes[lane]!.run(batch.map((w) => w.task)).then(
        (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      );
      from = to;
    }
  }

  health(): ComponentHealth {
    return {
      workerThreads: this.config.workerThreads,
      // Threads running now (piscina replaces one that died); the large-request thread only while it has work or for http.largeRequestThreadIdleMs after.
      threadsRunning: [...new Set(Object.values(this.lanes))].reduce((n, p) => n + p.threads.length, 0),
      // Requests being prepared or waiting for a thread, per lane.
      requests: { ...this.running },
      queuedBodyBytes: { ...this.queuedChars },
      busyRefusals: this.busyRefusals,
      preparedRequests: this.prepared,
      // Catalogue samples validated at start-up on the small-request lane (see start).
      warmedUpEvents: this.warmedUpEvents,
    };
  }

  /** Called after the HTTP listener has stopped: nothing is waiting for a thread any more. */
  private async close(): Promise<StopOutcome> {
    const pools = new Set(Object.values(this.lanes));
    await Promise.all([...pools].map((p) => p.destroy()));
    return 'clean';
  }
}
