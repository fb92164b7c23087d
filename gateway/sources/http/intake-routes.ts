import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sender, SenderRegistry } from '../../auth/sender-registry.js';
import { GatewayError } from '../../errors.js';
import type { Ingest, Outcome } from '../../pipeline/ingest.js';
import type { EventStatus } from '../../wal/delivery-ledger.js';
import type { HttpConfig } from './http-config.js';
import { bodyFormat } from './parse-events.js';
import { readBody } from './read-body.js';
import type { RequestPool } from './request-pool.js';
import { sendJson } from './respond.js';
import type { Route } from './router.js';

export interface IntakeDeps {
  ingest: Pick<Ingest, 'commitPrepared'>;
  /** Where a body's events are parsed and validated (worker threads). */
  pool: Pick<RequestPool, 'prepare'>;
  /** Where an event stands, or undefined when the WAL no longer holds it. */
  statusOf: (eventId: string) => EventStatus | undefined;
  /** With senders configured (auth.senders) both routes need a sender's bearer token, checked before the body is read. */
  senders?: Pick<SenderRegistry, 'enabled' | 'admit'>;
}

/**
 * `POST /v1/events` (one event, an array, or NDJSON; per-event outcomes in request order, answered
 * only after the accepted ones are durable: 202 all accepted or duplicate, 200 mixed, 422 all
 * rejected; 413 when every one was rejected only for `event_too_large`) and `GET /v1/events/{eventId}`.
 * With `auth.senders`, a request without a sender's token is refused (401 `unauthenticated`) before
 * its body is read; any sender may ask for any event's status.
 */
export function intakeRoutes(config: Pick<HttpConfig, 'maxBodyBytes'>, deps: IntakeDeps): Route[] {
  return [
    { method: 'POST', path: '/v1/events', handle: (req, res) => postEvents(config, deps, req, res) },
    {
      method: 'GET',
      path: /^\/v1\/events\/([^/]+)$/,
      handle: async (req, res, [eventId]) => {
        await authenticate(deps, req);
        const found = deps.statusOf(eventId!);
        if (!found) throw new GatewayError('event_not_found', `no event with eventId '${eventId}' is retained`);
        sendJson(res, 200, { eventId, ...found });
      },
    },
  ];
}

async function postEvents(config: Pick<HttpConfig, 'maxBodyBytes'>, deps: IntakeDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const sender = await authenticate(deps, req);
  const format = bodyFormat(req.headers['content-type']);
  const body = await readBody(req, config.maxBodyBytes);
  const receivedAt = performance.now();
  const prepared = await deps.pool.prepare({ body, format, ...(sender ? { sender: { name: sender.name, sources: sender.sources } } : {}) });
  sender?.limits?.takeEvents(prepared.rejected.length);
  const results = await deps.ingest.commitPrepared(prepared, { receivedAt, ...(sender ? { sender } : {}) });
  let accepted = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === 'accepted') accepted++;
    else if (r.status === 'duplicate') duplicates++;
  }
  const rejected = results.length - accepted - duplicates;
  const status = rejected === 0 ? 202 : rejected < results.length ? 200 : allTooLarge(results) ? 413 : 422;
  sendJson(res, status, { accepted, duplicates, rejected, results });
}

function allTooLarge(results: readonly Outcome[]): boolean {
  return results.every((r) => r.status === 'rejected' && r.errors.every((e) => e.code === 'event_too_large'));
}

async function authenticate(deps: IntakeDeps, req: IncomingMessage): Promise<Sender | undefined> {
  return deps.senders?.enabled ? deps.senders.admit(req) : undefined;
}
