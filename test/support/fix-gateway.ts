import type { GatewayProcess } from '../../bench/gateway-process.js';

/** The env that turns on the FIX acceptor at `port` with one session GATEWAY <- OMS1 (overrides in `session`). */
export function fixEnv(port: number, session: Record<string, unknown> = {}, more: Record<string, string> = {}): Record<string, string> {
  return {
    EDGE_GATEWAY_FIX_LISTEN: `127.0.0.1:${port}`,
    EDGE_GATEWAY_FIX_SESSIONS: JSON.stringify([{ senderCompId: 'GATEWAY', targetCompId: 'OMS1', allowedAddresses: ['127.0.0.1'], ...session }]),
    ...more,
  };
}

/** The `fix` section of /health/ready. */
export async function fixHealth(gw: GatewayProcess): Promise<{ sessions: Array<{ session: string; state: string; nextSenderSeq: number; nextTargetSeq: number }> }> {
  return ((await gw.ready()) as unknown as { fix: never }).fix;
}
