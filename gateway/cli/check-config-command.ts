import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfig } from '../config/load-config.js';
import { explainEventsFile } from '../config/check-config.js';
import { maskSecrets } from '../config/mask-secrets.js';
import { ConfigError } from '../errors.js';
import { CliError, EXIT } from './exit-codes.js';

/**
 * `edge-gateway check-config`: validates the configuration as `start` would (file, defaults,
 * EDGE_GATEWAY_* variables) and prints the effective one with secrets masked; exit 2 with every
 * problem otherwise. Options of other modules (e.g. `--explain`) are added to the command this
 * returns, with their own action branch.
 */
export function registerCheckConfig(program: Command): Command {
  return program
    .command('check-config')
    .description('validate the configuration and print the effective one, secrets masked; exit 2 with every problem')
    .option('-c, --config <file>', 'configuration file (default: config/edge-gateway.yaml when present, else the embedded defaults)')
    .option('--json', 'print the effective configuration as JSON')
    .option('--explain <events.json>', 'instead: for each sample event (one JSON event or an array), whether it is accepted and which routing rule it hits, and why')
    .action((o: { config?: string; json?: boolean; explain?: string }) => {
      const config = checkConfig(o.config);
      if (o.explain !== undefined) {
        let explained;
        try {
          explained = explainEventsFile(config, o.explain);
        } catch (err) {
          throw new CliError(EXIT.usage, (err as Error).message);
        }
        process.stdout.write(explained.text);
        // Exit 1 when a sample would be refused, so a script or CI job can gate on it.
        if (explained.rejected > 0) throw new CliError(EXIT.failed, `${explained.rejected} sample event(s) would be rejected`);
        return;
      }
      const masked = maskSecrets(config);
      process.stdout.write(o.json ? `${JSON.stringify(masked, null, 2)}\n` : stringify(masked));
    });
}

/** loadConfig plus what `start` would find only later (the admin token file); throws CliError (usage) listing every problem. */
export function checkConfig(file: string | undefined): ReturnType<typeof loadConfig> {
  let config;
  try {
    config = loadConfig({ file });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(EXIT.usage, err.message);
    throw err;
  }
  if (config.admin.tokenFile !== undefined) {
    let token = '';
    try {
      token = readFileSync(config.admin.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new CliError(EXIT.usage, `invalid configuration:\n  admin.tokenFile: cannot read ${config.admin.tokenFile}: ${(err as Error).message}`);
    }
    if (token === '') throw new CliError(EXIT.usage, `invalid configuration:\n  admin.tokenFile: ${config.admin.tokenFile} is empty`);
  }
  return config;
}
