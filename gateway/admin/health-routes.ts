import type { ComponentHealth } from '../lifecycle/component.js';
import { sendJson } from '../sources/http/respond.js';
import type { Route } from '../sources/http/router.js';

/** Anything with health figures of its own: a component, or a store that only reports. */
export interface HealthSource {
  readonly name: string;
  health(): ComponentHealth;
}

/**
 * Pure: the body of /health/ready, one section per component, in the order given. The gateway is
 * ready unless a component says otherwise. Kafka being unreachable does not make it unready: it
 * keeps taking events into the WAL, and the sections show the breaker and the backlog instead.
 * `problems` (present when there are any) says why in words: each section's `problem`, and each
 * component that is not ready.
 */
export function readyReport(gatewayId: string, sources: readonly HealthSource[]): { ready: boolean; body: Record<string, unknown> } {
  let ready = true;
  const sections: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const s of sources) {
    const { ready: own, ...figures } = s.health();
    if (own === false) ready = false;
    if (typeof figures.problem === 'string') problems.push(`${s.name}: ${figures.problem}`);
    else if (own === false) problems.push(`${s.name}: ${figures.stopping === true ? 'shutting down' : 'not ready'}`);
    sections[s.name] = figures;
  }
  return { ready, body: { status: ready ? 'ready' : 'not_ready', gatewayId, ...(problems.length > 0 ? { problems } : {}), ...sections } };
}

/** `GET /health/live` (the process answers) and `GET /health/ready` (200 ready, 503 not ready). */
export function healthRoutes(deps: { gatewayId: string; sources: () => readonly HealthSource[] }): Route[] {
  return [
    { method: 'GET', path: '/health/live', handle: (_req, res) => sendJson(res, 200, { status: 'live' }) },
    {
      method: 'GET',
      path: '/health/ready',
      handle: (_req, res) => {
        const r = readyReport(deps.gatewayId, deps.sources());
        sendJson(res, r.ready ? 200 : 503, r.body);
      },
    },
  ];
}
