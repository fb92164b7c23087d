import type { Command } from 'commander';
import { capHeapGrowth } from '../lifecycle/heap-growth.js';
import { ProcessSupervisor } from '../lifecycle/process-supervisor.js';
import { createLogger } from '../log.js';
import { startGateway } from '../main.js';
import { checkConfig } from './check-config-command.js';

/** `edge-gateway start` (the default command): runs the gateway until SIGTERM or a crash. */
export function registerStart(program: Command): void {
  program
    .command('start', { isDefault: true })
    .description('run the gateway (the default command)')
    .option('-c, --config <file>', 'configuration file (default: config/edge-gateway.yaml when present, else the embedded defaults)')
    .action(async (o: { config?: string }) => {
      const config = checkConfig(o.config);
      capHeapGrowth(); // heap growth factor 2, before the worker threads start: peak RSS (bench/README.md)
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
    });
}
