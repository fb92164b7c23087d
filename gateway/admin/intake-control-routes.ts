import type { IntakeGate } from '../pipeline/intake-gate.js';
import { sendJson } from '../sources/http/respond.js';
import type { Route } from '../sources/http/router.js';

/**
 * `GET /admin/intake` (open or paused), `POST /admin/intake/pause` and `POST /admin/intake/resume`
 * (token required; idempotent: `changed` says whether the call did anything).
 */
export function intakeControlRoutes(gate: Pick<IntakeGate, 'pause' | 'resume' | 'health'>): Route[] {
  return [
    { method: 'GET', path: '/admin/intake', handle: (_req, res) => sendJson(res, 200, gate.health()) },
    { method: 'POST', path: '/admin/intake/pause', handle: (_req, res) => sendJson(res, 200, { changed: gate.pause(), ...gate.health() }) },
    { method: 'POST', path: '/admin/intake/resume', handle: (_req, res) => sendJson(res, 200, { changed: gate.resume(), ...gate.health() }) },
  ];
}
