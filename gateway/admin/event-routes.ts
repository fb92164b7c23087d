import { GatewayError } from '../errors.js';
import type { EventStatus } from '../wal/delivery-ledger.js';
import { sendJson } from '../sources/http/respond.js';
import type { Route } from '../sources/http/router.js';

/** `GET /admin/events/{eventId}`: where an event stands (as `GET /v1/events/{eventId}` on intake). 404 `event_not_found`. */
export function eventRoutes(deps: { statusOf: (eventId: string) => EventStatus | undefined }): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/admin\/events\/([^/]+)$/,
      handle: (_req, res, [eventId]) => {
        const found = deps.statusOf(eventId!);
        if (!found) throw new GatewayError('event_not_found', `no event with eventId '${eventId}' is retained`);
        sendJson(res, 200, { eventId, ...found });
      },
    },
  ];
}
