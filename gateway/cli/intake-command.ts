import type { Command } from 'commander';
import { adminCall, adminTarget, type AdminOptions } from './admin-client.js';
import { withAdminOptions } from './admin-options.js';
import { expectOk, print } from './output.js';

/** `edge-gateway intake pause|resume|status`: stop or restart taking events (503 `intake_paused` meanwhile). */
export function registerIntake(program: Command): void {
  const intake = program.command('intake').description('pause or resume taking events (senders get 503 intake_paused meanwhile)');
  for (const [name, method, path, what] of [
    ['pause', 'POST', '/admin/intake/pause', 'refuse new events with 503 intake_paused (needs the admin token)'],
    ['resume', 'POST', '/admin/intake/resume', 'take events again (needs the admin token)'],
    ['status', 'GET', '/admin/intake', 'whether intake is paused by an operator'],
  ] as const) {
    withAdminOptions(intake.command(name))
      .description(what)
      .action(async (o: AdminOptions) => {
        const body = expectOk(await adminCall(adminTarget(o), method, path), o.json);
        print(o.json, body, (b) => `intake ${b.state}${b.pausedAt ? ` since ${b.pausedAt}` : ''}${b.changed === false ? ' (unchanged)' : ''}`);
      });
  }
}
