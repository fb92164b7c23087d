import { GatewayError } from '../errors.js';
import { sendJson } from '../sources/http/respond.js';
import { intParam, type Route } from '../sources/http/router.js';
import type { DeadLetter, DeadLetterSummary } from '../wal/dead-letter-store.js';

export interface DeadLetterAdmin {
  list(afterSeq: number, limit: number): DeadLetterSummary[];
  get(seq: number): DeadLetter | undefined;
  redrive(seq: number): Promise<{ seq: number; redrivenSeq: number }>;
}

/**
 * `GET /admin/dead-letters?after=&limit=` (oldest first, paged by seq), `GET /admin/dead-letters/{seq}`
 * (with the event) and `POST /admin/dead-letters/{seq}/redrive` (409 `already_redriven` the second time).
 */
export function deadLetterRoutes(deps: DeadLetterAdmin): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/dead-letters',
      handle: (req, res) => {
        const after = intParam(req, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
        const limit = intParam(req, 'limit', 100, 1, 1000);
        const items = deps.list(after, limit);
        const next = items.length === limit ? { next: `/admin/dead-letters?after=${items[items.length - 1]!.seq}&limit=${limit}` } : {};
        sendJson(res, 200, { items, ...next });
      },
    },
    {
      method: 'GET',
      path: /^\/admin\/dead-letters\/(\d{1,15})$/,
      handle: (_req, res, [seq]) => {
        const found = deps.get(Number(seq));
        if (!found) throw new GatewayError('dead_letter_not_found', `no dead letter with seq ${seq}`);
        sendJson(res, 200, found);
      },
    },
    {
      method: 'POST',
      path: /^\/admin\/dead-letters\/(\d{1,15})\/redrive$/,
      handle: async (_req, res, [seq]) => sendJson(res, 200, await deps.redrive(Number(seq))),
    },
  ];
}
