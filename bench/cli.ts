import { benchMain } from './run-bench.js';

/** Entry point of `npm run bench` (through tsx); `edge-gateway bench` reaches benchMain from the gateway's CLI. */
benchMain(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
