import type { Command } from 'commander';
import { adminCall, adminTarget, type AdminOptions } from './admin-client.js';
import { withAdminOptions } from './admin-options.js';
import { EXIT } from './exit-codes.js';
import { fields, print } from './output.js';

/**
 * `edge-gateway health`: exit 0 when the gateway is ready, 1 when it is not (with the reasons),
 * 3 when it cannot be reached. Problems that do not make it unready (Kafka away) are printed too.
 */
export function registerHealth(program: Command): void {
  withAdminOptions(program.command('health'))
    .description('exit 0 when the gateway is ready, non-zero with the reason otherwise')
    .action(async (o: AdminOptions) => {
      const answer = await adminCall(adminTarget(o), 'GET', '/health/ready');
      const r = answer.body;
      print(o.json, r, () => {
        const lines = [answer.status === 200 ? 'ready' : `not ready (HTTP ${answer.status})`];
        for (const p of r?.problems ?? []) lines.push(`  problem: ${p}`);
        lines.push(
          fields([
            ['kafka', `${r?.kafka?.bus ?? '?'} ${r?.kafka?.bootstrap ?? ''}, ${r?.kafka?.connected ? 'connected' : 'not connected'}`],
            ['intake', `${r?.intake?.state ?? '?'} (operator), ${r?.budget?.intake ?? '?'} (budget)`],
            ['backlog', `${r?.delivery?.pendingEvents ?? '?'} events${typeof r?.delivery?.oldestPendingAgeMs === 'number' ? `, oldest ${r.delivery.oldestPendingAgeMs} ms old` : ''}`],
            ['breaker', r?.forwarder?.breaker?.state],
            ['dead letters', r?.deadLetters?.open],
          ]),
        );
        return lines.join('\n');
      });
      process.exitCode = answer.status === 200 ? EXIT.ok : EXIT.failed;
    });
}
