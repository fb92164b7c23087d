import type { Command } from 'commander';

/** `edge-gateway bench`: the benchmark harness, with its own options (`edge-gateway bench --help`). */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure the gateway against this machine\'s own limits (see bench/README.md; --help for its options)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_o: unknown, cmd: Command) => {
      // Loaded only here: the benchmark harness is no part of a running gateway.
      const { benchMain } = await import('../../bench/run-bench.js');
      process.exit(await benchMain(cmd.args));
    });
}
