import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { nearestName } from '../config/nearest-name.js';
import { registerBench } from './bench-command.js';
import { registerCheckConfig } from './check-config-command.js';
import { registerDlq } from './dlq-command.js';
import { CliError, EXIT } from './exit-codes.js';
import { registerHealth } from './health-command.js';
import { registerIntake } from './intake-command.js';
import { registerReplay } from './replay-command.js';
import { registerStart } from './start-command.js';
import { registerStatus } from './status-command.js';
import { registerWal } from './wal-command.js';

const EXIT_CODES_HELP = `
Exit codes: 0 done (health: ready); 1 the gateway said no (not ready, conflict, 5xx);
2 wrong usage or invalid configuration; 3 admin listener unreachable; 4 not found;
5 refused (no or wrong admin token, or none configured).

Any configuration key can be overridden by EDGE_GATEWAY_<KEY_PATH>, e.g.
EDGE_GATEWAY_HTTP_LISTEN=127.0.0.1:9090 or EDGE_GATEWAY_KAFKA_BROKERS=127.0.0.1:9092.`;

/** The `edge-gateway` command line: one module per command under gateway/cli/. */
export function buildProgram(): Command {
  const program = new Command('edge-gateway')
    .description('Durable, exactly-once forwarding of trade events to Kafka; commands to run and operate it')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for the command')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerStart(program);
  registerCheckConfig(program);
  registerHealth(program);
  registerStatus(program);
  registerDlq(program);
  registerReplay(program);
  registerWal(program);
  registerIntake(program);
  registerBench(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the command line; resolves with the exit code (the gateway itself keeps running after `start`). */
export async function runCli(argv: readonly string[]): Promise<number | undefined> {
  const program = buildProgram();
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !program.commands.some((c) => c.name() === first) && first !== 'help') {
    const near = nearestName(first, program.commands.map((c) => c.name()));
    process.stderr.write(`edge-gateway: unknown command '${first}'${near ? `; did you mean ${near}?` : ''} (edge-gateway --help lists them)\n`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return undefined;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with code 0; usage errors (already printed) with 2.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`edge-gateway: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

/** The package's version, from the package.json above this file (source or dist). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'edge-gateway' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}
