// The test command: every *.test.ts beside the code and under test/, run with node:test.
// Tests under test/fault/ need the real Kafka broker (KAFKA_BROKERS, see test/kafka/broker.sh).
// Without it they are left out with a notice, so a newcomer without Java gets a passing run on
// the embedded bus; under CI (CI set) a missing broker is a failure, never a silent skip.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['gateway', 'workers', 'bench', 'test'];
const files = roots.flatMap((r) => walk(r)).filter((f) => f.endsWith('.test.ts')).sort();
const needsBroker = (f) => f.startsWith(join('test', 'fault') + '/');

let run = files;
if (!process.env.KAFKA_BROKERS) {
  if (process.env.CI) {
    console.error('CI is set but KAFKA_BROKERS is not: the real-broker tests in test/fault/ must run in CI (.ci/run starts the broker).');
    process.exit(1);
  }
  run = files.filter((f) => !needsBroker(f));
  console.error(
    `note: KAFKA_BROKERS is not set, so the ${files.length - run.length} real-broker test files in test/fault/ are not run.\n` +
      '      To run them: KAFKA_BROKERS=$(test/kafka/broker.sh start) npm test   (needs Java 17 and Maven)',
  );
}

// The unit's checks need systemd-analyze (Debian's systemd package; .ci/run installs it when missing).
const needsSystemd = (f) => f === join('test', 'systemd-unit.test.ts');
if (spawnSync('systemd-analyze', ['--version']).status !== 0) {
  if (process.env.CI) {
    console.error('CI is set but systemd-analyze is missing: test/systemd-unit.test.ts must run in CI (.ci/run installs systemd).');
    process.exit(1);
  }
  run = run.filter((f) => !needsSystemd(f));
  console.error('note: systemd-analyze is not installed, so test/systemd-unit.test.ts is not run (apt-get install systemd).');
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', ...process.argv.slice(2), ...run],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
