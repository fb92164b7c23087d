import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchConfigSchema, FULL, QUICK, STEPS, type BenchConfig } from './bench-config.js';
import { RSYSLOG_INSTALL } from './peers/rsyslog-peer.js';
import { formatTable, type BenchResult } from './report.js';
import { runSuite } from './suite.js';

export const BENCH_USAGE = `usage: edge-gateway bench [--quick] [--brokers HOST:PORT,...] [--only L1,S1,...] [options]

Measures the gateway (run as its own process on a fresh WAL) and, in the same run, the machine's
own limits: L1 bare SQLite inserts, L2 a bare Kafka producer, L3 a bare node:http server, L4 a bare
TCP echo of S3's FIX bytes. Prints a
table and writes JSON to <out>/<timestamp>.json. Needs the build (npm run build).

  --quick                 an admin's check, under a minute (smaller sizes, S4 backlog 50,000)
  --brokers LIST          real Kafka bootstrap; default $KAFKA_BROKERS, else the embedded bus
  --only LIST             some of ${STEPS.join(',')} (S5 needs S2; P1, P2 the rsyslog peer: a real broker and rsyslog: ${RSYSLOG_INSTALL})
  --wal-dir DIR           where WALs go (the disk under test); default the OS temp dir
  --synchronous MODE      full (default) or normal, for the gateway and L1 alike
  --out DIR               default bench/results
  --sizes JSON            override sizes, e.g. '{"s1Events":200000}'
  --gateway-env K=V       extra EDGE_GATEWAY_* setting for every gateway (repeatable)
  --gateway-node-arg ARG  extra node flag for the gateway, e.g. --cpu-prof (repeatable)
  --gateway-cli FILE      measure another build's cli.js (default: this build's)
  --gateway-log DIR       keep each gateway's log (JSON lines) in DIR/<run>-<scenario>.ndjson
  --json                  print the JSON after the table`;

/** Pure: command-line arguments to a validated bench configuration. */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      brokers: { type: 'string' },
      only: { type: 'string' },
      'wal-dir': { type: 'string' },
      synchronous: { type: 'string' },
      out: { type: 'string' },
      sizes: { type: 'string' },
      'gateway-env': { type: 'string', multiple: true },
      'gateway-node-arg': { type: 'string', multiple: true },
      'gateway-cli': { type: 'string' },
      'gateway-log': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const base = values.quick ? QUICK : FULL;
  const sizes = values.sizes ? { ...base, ...(JSON.parse(values.sizes) as object) } : base;
  return BenchConfigSchema.parse({
    mode: values.sizes ? 'custom' : values.quick ? 'quick' : 'full',
    brokers: values.brokers ?? env.KAFKA_BROKERS ?? '',
    only: values.only?.split(',').map((s) => s.trim().toUpperCase()),
    walDir: values['wal-dir'],
    synchronous: values.synchronous,
    outDir: values.out,
    sizes,
    gatewayEnv: Object.fromEntries((values['gateway-env'] ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
    gatewayNodeArgs: values['gateway-node-arg'],
    gatewayCli: values['gateway-cli'],
    gatewayLogDir: values['gateway-log'],
  });
}

/** `npm run bench` and `edge-gateway bench`: runs the suite, prints the table, writes the JSON. */
export async function benchMain(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const result = await runSuite(config, { log: (line) => process.stderr.write(`bench: ${line}\n`) });
  const file = writeResult(result, config.outDir);
  process.stdout.write(`${formatTable(result)}\n\nJSON: ${file}\n`);
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

export function writeResult(result: BenchResult, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${result.machine.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
