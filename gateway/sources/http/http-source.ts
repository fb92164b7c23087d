import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BadRequestError, GatewayError } from '../../errors.js';
import type { Ingest } from '../../pipeline/ingest.js';
import type { DeadLetter, DeadLetterSummary } from '../../wal/dead-letter-store.js';
import { bodyFormat, parseEvents } from './parse-events.js';
import { readBody } from './read-body.js';
import { sendError, sendJson } from './respond.js';

export const HttpConfigSchema = z.strictObject({
  /** host:port; loopback by default. Port 0 picks a free port (logged at start). */
  listen: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/, { message: 'must be host:port, e.g. 127.0.0.1:8080' })
    .default('127.0.0.1:8080'),
  maxBodyBytes: z.number().int().positive().default(4 * 1024 * 1024),
  maxEventsPerRequest: z.number().int().positive().default(10_000),
});
export type HttpConfig = z.infer<typeof HttpConfigSchema>;

export interface HttpSourceDeps {
  ingest: Ingest;
  /** Where an event stands, or undefined when unknown. */
  lookup: (eventId: string) => Record<string, unknown> | undefined;
  /** Readiness and the figures shown on /health/ready. */
  health: () => { ready: boolean; report: Record<string, unknown> };
  /** Admin access to the dead-letter store. */
  deadLetters: {
    list(afterSeq: number, limit: number): DeadLetterSummary[];
    get(seq: number): DeadLetter | undefined;
    redrive(seq: number): Promise<{ seq: number; redrivenSeq: number }>;
  };
  log: Logger;
}

const DEAD_LETTER = /^\/admin\/dead-letters\/(\d+)(\/redrive)?$/;

/** HTTP intake (`POST /v1/events`), event lookup and health, on node:http. */
export class HttpSource {
  private readonly server: Server;
  private inFlight = 0;
  private stopping = false;
  private idle: (() => void) | undefined;

  constructor(
    private readonly config: HttpConfig,
    private readonly deps: HttpSourceDeps,
  ) {
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.handle(req, res));
  }

  async start(): Promise<AddressInfo> {
    const i = this.config.listen.lastIndexOf(':');
    const host = this.config.listen.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(this.config.listen.slice(i + 1));
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** Stops intake: no new connections; waits (up to the deadline) for requests in progress, whose events are then committed. */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref()),
      ]);
    }
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    if (this.stopping) res.setHeader('connection', 'close');
    this.route(req, res)
      .catch((err) => {
        if (!(err instanceof GatewayError)) this.deps.log.error({ err, url: req.url }, 'request failed');
        if (err instanceof GatewayError && err.status === 413) {
          // A body we refused: discard the rest and close rather than read it into memory.
          res.shouldKeepAlive = false;
          req.resume();
        }
        if (!res.headersSent) sendError(res, err);
      })
      .finally(() => {
        if (--this.inFlight === 0 && this.idle) this.idle();
      });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/v1/events') {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      return this.postEvents(req, res);
    }
    if (path.startsWith('/v1/events/')) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      return this.getEvent(decodePathSegment(path.slice('/v1/events/'.length)), res);
    }
    if (path === '/admin/dead-letters') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      return this.listDeadLetters(req, res);
    }
    const dl = DEAD_LETTER.exec(path);
    if (dl) {
      const seq = Number(dl[1]);
      if (dl[2]) {
        if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
        return sendJson(res, 200, await this.deps.deadLetters.redrive(seq));
      }
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      const found = this.deps.deadLetters.get(seq);
      if (!found) return sendJson(res, 404, { error: { code: 'dead_letter_not_found', message: `no dead letter with seq ${seq}` } });
      return sendJson(res, 200, found);
    }
    if (path === '/health/live') return sendJson(res, 200, { status: 'live' });
    if (path === '/health/ready') {
      const h = this.deps.health();
      const ready = h.ready && !this.stopping;
      return sendJson(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not_ready',
        ...h.report,
        http: { inFlightRequests: this.inFlight },
      });
    }
    sendJson(res, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } });
  }

  private async postEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.stopping) {
      throw new GatewayError('shutting_down', 'the gateway is shutting down; retry against another instance or later', 503);
    }
    const format = bodyFormat(req.headers['content-type']);
    const body = await readBody(req, this.config.maxBodyBytes);
    const items = parseEvents(body, format, this.config.maxEventsPerRequest);
    const results = await this.deps.ingest.submit(items);
    let accepted = 0;
    let duplicates = 0;
    for (const r of results) {
      if (r.status === 'accepted') accepted++;
      else if (r.status === 'duplicate') duplicates++;
    }
    const rejected = results.length - accepted - duplicates;
    const status = rejected === 0 ? 202 : rejected === results.length ? 422 : 200;
    sendJson(res, status, { accepted, duplicates, rejected, results });
  }

  private listDeadLetters(req: IncomingMessage, res: ServerResponse): void {
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const after = intParam(query, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(query, 'limit', 100, 1, 1000);
    const items = this.deps.deadLetters.list(after, limit);
    sendJson(res, 200, { items, ...(items.length === limit ? { next: `/admin/dead-letters?after=${items[items.length - 1]!.seq}&limit=${limit}` } : {}) });
  }

  private async getEvent(eventId: string, res: ServerResponse): Promise<void> {
    const found = this.deps.lookup(eventId);
    if (!found) return sendJson(res, 404, { error: { code: 'event_not_found', message: `no event with eventId '${eventId}' is retained` } });
    sendJson(res, 200, { eventId, ...found });
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { error: { code: 'method_not_allowed', message: `use ${allow}` } }, { allow });
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new BadRequestError('invalid_query', `query parameter '${name}' must be an integer from ${min} to ${max}`);
  }
  return n;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequestError('malformed_url', `'${segment}' is not a valid percent-encoded eventId`);
  }
}
