import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BenchConfig } from '../bench-config.js';
import type { GatewayOptions } from '../gateway-process.js';
import { tempDir } from '../temp-dir.js';

/** What every scenario shares within one run. */
export interface ScenarioContext {
  config: BenchConfig;
  /** Unique per run: event ids and topics carry it, so runs never see each other's records. */
  runId: string;
  log: (line: string) => void;
}

/** A fresh WAL and the gateway settings common to every scenario. */
export function gatewayEnv(ctx: ScenarioContext, scenario: string, walPath?: string): { env: Record<string, string>; walPath: string; topic: string } {
  const path = walPath ?? join(tempDir(`bench-${scenario}-`, ctx.config.walDir), 'wal.db');
  const topic = `bench-${ctx.runId}-${scenario}`;
  return {
    walPath: path,
    topic,
    env: {
      EDGE_GATEWAY_WAL_PATH: path,
      EDGE_GATEWAY_WAL_SYNCHRONOUS: ctx.config.synchronous,
      EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC: topic,
      EDGE_GATEWAY_GATEWAY_ID: 'bench',
      ...(ctx.config.brokers ? { EDGE_GATEWAY_KAFKA_BROKERS: ctx.config.brokers } : {}),
      ...ctx.config.gatewayEnv,
    },
  };
}

/** `scenario` names the gateway's log file (`<gatewayLogDir>/<runId>-<scenario>.ndjson`) when the run keeps logs. */
export function gatewayOptions(ctx: ScenarioContext, scenario: string): GatewayOptions {
  const { gatewayLogDir } = ctx.config;
  return {
    nodeArgs: ctx.config.gatewayNodeArgs,
    ...(ctx.config.gatewayCli ? { cli: ctx.config.gatewayCli } : {}),
    ...(gatewayLogDir ? { logFile: join(gatewayLogDir, `${ctx.runId}-${scenario}.ndjson`) } : {}),
  };
}

export function perMillion(cpuBefore: number | null, cpuAfter: number | null, events: number): number | null {
  if (cpuBefore === null || cpuAfter === null || events === 0) return null;
  return Math.round(((cpuAfter - cpuBefore) / events) * 1e6 * 100) / 100;
}

/** A scenario's WAL is hundreds of MB after a full run: gone once measured. */
export function removeWal(walPath: string): void {
  rmSync(dirname(walPath), { recursive: true, force: true });
}
