import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const UNIT = fileURLToPath(new URL('../systemd/edge-gateway.service', import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));
/** The exposure README states; the unit must not rate worse (0 best, 10 worst). */
const RATED = 1.1;
const run = promisify(execFile);

it(`systemd-analyze security --offline rates the unit ${RATED} or better, as README says`, async () => {
  const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', UNIT]);
  const m = /Overall exposure level for edge-gateway\.service: (\d+\.\d) (\w+)/.exec(stdout);
  assert.ok(m, `no overall rating in:\n${stdout}`);
  const level = Number(m[1]);
  console.log(`systemd-analyze security: ${level} ${m[2]}`);
  assert.ok(level <= RATED, `exposure ${level} rose above ${RATED}:\n${stdout.split('\n').filter((l) => l.startsWith('✗')).join('\n')}`);
  assert.match(readFileSync(README, 'utf8'), new RegExp(`security --offline=true[\\s\\S]{0,120}\\b${RATED.toFixed(1).replace('.', '\\.')}\\b`), 'README states the figure');
});

it('systemd-analyze verify passes on the unit (Type=notify, directives, ExecStart)', async () => {
  const { stdout, stderr } = await run('systemd-analyze', ['verify', UNIT]);
  assert.equal(`${stdout}${stderr}`.trim(), '', 'no warnings');
  const unit = readFileSync(UNIT, 'utf8');
  for (const d of ['Type=notify', 'WatchdogSec=', 'StateDirectory=', 'ConfigurationDirectory=', 'LoadCredential=admin-token:', 'Restart=on-failure', 'CapabilityBoundingSet=\n', 'SystemCallFilter=@system-service', 'ExecReload=/bin/kill -HUP $MAINPID']) {
    assert.ok(unit.includes(d), `the unit has ${d.trim()}`);
  }
  // The drain (shutdown.deadlineMs, default 10 s, + 1 s of the supervisor's own deadline) ends before systemd kills.
  const stopSec = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
  assert.ok(stopSec > 11, `TimeoutStopSec=${stopSec} is longer than the drain deadline`);
});
