#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load-config.js';
import { ConfigError } from './errors.js';
import { ProcessSupervisor } from './lifecycle/process-supervisor.js';
import { createLogger } from './log.js';
import { startGateway } from './main.js';

const USAGE = `usage: edge-gateway [--config FILE]
       edge-gateway check-config [--config FILE] [--explain EVENTS.json]
       edge-gateway bench [--quick] [--help]

Runs the gateway. FILE defaults to config/edge-gateway.yaml when present, else the embedded
defaults apply. Any key can be overridden by EDGE_GATEWAY_<KEY_PATH>, e.g.
EDGE_GATEWAY_HTTP_LISTEN=127.0.0.1:9090 or EDGE_GATEWAY_KAFKA_BROKERS=127.0.0.1:9092.`;

async function main(): Promise<void> {
  if (process.argv[2] === 'bench') {
    // Loaded only here: the benchmark harness is no part of a running gateway.
    const { benchMain } = await import('../bench/run-bench.js');
    process.exit(await benchMain(process.argv.slice(3)));
  }
  if (process.argv[2] === 'check-config') {
    const { checkConfigMain } = await import('./config/check-config.js');
    process.exit(checkConfigMain(process.argv.slice(3), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }));
  }
  let args;
  try {
    args = parseArgs({ options: { config: { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let config;
  try {
    config = loadConfig({ file: args.config });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`edge-gateway: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.log, { gatewayId: config.gatewayId });
  // Signals and crashes end the process one way: the drain, then an exit code (0 only for a clean stop).
  const supervisor = new ProcessSupervisor({ deadlineMs: config.shutdown.deadlineMs, log }).install();
  let gateway;
  try {
    gateway = await startGateway(config, { log });
  } catch (err) {
    log.fatal({ err, startup: 'failed' }, 'start-up failed');
    process.exit(1);
  }
  supervisor.attach(gateway);
  // The service manager restarts us (Restart=on-failure); the WAL and the read-back keep that safe.
  void gateway.fatal.then(({ err, origin }) => supervisor.crash(err, origin));
}

void main();
