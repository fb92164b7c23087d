import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GatewayError } from '../errors.js';
import { readBody } from '../sources/http/read-body.js';
import { sendJson } from '../sources/http/respond.js';
import type { Route } from '../sources/http/router.js';
import type { ReplayCandidate, ReplayFilter } from '../wal/replay-log.js';

const seq = z.number().int().positive();
const instant = z.iso.datetime({ offset: false, message: 'must be an RFC 3339 timestamp in UTC, e.g. 2026-11-30T09:00:00Z' });

/** The body of `POST /admin/replay`: at least one selector; all given narrow the selection together. */
export const ReplayRequestSchema = z
  .strictObject({
    fromSeq: seq.optional(),
    toSeq: seq.optional(),
    /** When the gateway received them: `from` inclusive, `to` exclusive. */
    from: instant.optional(),
    to: instant.optional(),
    type: z.string().min(1).optional(),
    aggregateId: z.string().min(1).optional(),
    /** Only list what would be re-sent. */
    dryRun: z.boolean().default(false),
  })
  .refine((r) => [r.fromSeq, r.toSeq, r.from, r.to, r.type, r.aggregateId].some((v) => v !== undefined), {
    message: 'name at least one of fromSeq, toSeq, from, to, type, aggregateId',
  });
export type ReplayRequest = z.input<typeof ReplayRequestSchema>;

export interface ReplayDeps {
  /** Delivered events matching the filter, in seq order, at most `limit`. */
  select(filter: ReplayFilter, limit: number): ReplayCandidate[];
  /** Appends the copies (one transaction); returns their new seqs. */
  append(seqs: readonly number[], replayId: string): number[];
  /** Wakes the forwarder. */
  appended(): void;
  maxEvents: number;
  log: Logger;
}

/**
 * `GET /admin/replay?type=&aggregateId=&from=&to=&fromSeq=&toSeq=` (open: the dry run, what would
 * be re-sent) and `POST /admin/replay` (token required): re-sends delivered events still in the WAL through the
 * forwarder, as new rows at the end of the log, each record marked with the `replay` header and a
 * new `correlation-id` (the replay's id). `dryRun` lists what would go and changes nothing.
 * 400 `invalid_replay`, 413 `replay_too_large` (more than `admin.replay.maxEvents`: narrow it).
 */
export function replayRoutes(deps: ReplayDeps): Route[] {
  const run = (request: z.output<typeof ReplayRequestSchema>, res: Parameters<Route['handle']>[1]) => {
    const filter: ReplayFilter = {
      ...(request.fromSeq !== undefined ? { fromSeq: request.fromSeq } : {}),
      ...(request.toSeq !== undefined ? { toSeq: request.toSeq } : {}),
      ...(request.from !== undefined ? { receivedFrom: Date.parse(request.from) } : {}),
      ...(request.to !== undefined ? { receivedTo: Date.parse(request.to) } : {}),
      ...(request.type !== undefined ? { type: request.type } : {}),
      ...(request.aggregateId !== undefined ? { aggregateId: request.aggregateId } : {}),
    };
    const events = deps.select(filter, deps.maxEvents + 1);
    if (events.length > deps.maxEvents) {
      throw new GatewayError('replay_too_large', `the selection has more than admin.replay.maxEvents (${deps.maxEvents}) events; narrow it`);
    }
    const listed = events.map((e) => ({ ...e, receivedAt: new Date(e.receivedAt).toISOString() }));
    if (request.dryRun) {
      sendJson(res, 200, { dryRun: true, selected: events.length, events: listed });
      return;
    }
    const replayId = `replay-${randomUUID()}`;
    const seqs = deps.append(events.map((e) => e.seq), replayId);
    if (seqs.length > 0) deps.appended();
    deps.log.info({ replayId, filter: request, selected: events.length, replayed: seqs.length, firstSeq: seqs[0], lastSeq: seqs.at(-1) }, 'replay appended');
    sendJson(res, 200, { dryRun: false, replayId, selected: events.length, replayed: seqs.length, firstSeq: seqs[0] ?? null, lastSeq: seqs.at(-1) ?? null, events: listed });
  };
  return [
    { method: 'GET', path: '/admin/replay', handle: (req, res) => run({ ...validate(queryRequest(req.url ?? '')), dryRun: true }, res) },
    { method: 'POST', path: '/admin/replay', handle: async (req, res) => run(parseRequest(await readBody(req, 64 * 1024)), res) },
  ];
}

/** The query of `GET /admin/replay` as a request body (seqs as numbers; anything unknown is refused by the schema). */
function queryRequest(url: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(url.split('?')[1] ?? '')) out[k] = k.endsWith('Seq') && /^\d+$/.test(v) ? Number(v) : v;
  return out;
}

function parseRequest(text: string): z.output<typeof ReplayRequestSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text === '' ? '{}' : text);
  } catch (err) {
    throw new GatewayError('malformed_json', `the replay request is not JSON: ${(err as Error).message}`);
  }
  return validate(json);
}

function validate(json: unknown): z.output<typeof ReplayRequestSchema> {
  const r = ReplayRequestSchema.safeParse(json);
  if (!r.success) {
    const details = r.error.issues.map((i) => ({ path: ['$', ...i.path].join('.'), code: i.code, message: i.message }));
    throw new GatewayError('invalid_replay', 'invalid replay request', { details });
  }
  return r.data;
}
