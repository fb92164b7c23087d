import type { Command } from 'commander';
import { adminCall, adminTarget, type AdminOptions } from './admin-client.js';
import { withAdminOptions } from './admin-options.js';
import { expectOk, fields, print } from './output.js';

/** `edge-gateway status <eventId>`: where an event stands; exit 4 when the WAL does not hold it. */
export function registerStatus(program: Command): void {
  withAdminOptions(program.command('status').argument('<eventId>', 'the eventId the sender gave'))
    .description('where an event stands: accepted (in the WAL) or forwarded (confirmed by Kafka)')
    .action(async (eventId: string, o: AdminOptions) => {
      const body = expectOk(await adminCall(adminTarget(o), 'GET', `/admin/events/${encodeURIComponent(eventId)}`), o.json);
      print(o.json, body, (b) => fields(Object.entries(b)));
    });
}
