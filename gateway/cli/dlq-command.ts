import type { Command } from 'commander';
import { adminCall, adminTarget, type AdminOptions } from './admin-client.js';
import { withAdminOptions } from './admin-options.js';
import { CliError, EXIT } from './exit-codes.js';
import { expectOk, fields, print, table } from './output.js';

/** `edge-gateway dlq list|show|redrive`: the dead-letter store. */
export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('dead letters: events Kafka refused permanently');

  withAdminOptions(dlq.command('list'))
    .description('list dead letters, oldest first')
    .option('--after <seq>', 'only those with seq above this', '0')
    .option('--limit <n>', 'at most this many (1-1000)', '100')
    .action(async (o: AdminOptions & { after: string; limit: string }) => {
      const q = new URLSearchParams({ after: o.after, limit: o.limit });
      const body = expectOk(await adminCall(adminTarget(o), 'GET', `/admin/dead-letters?${q}`), o.json);
      print(o.json, body, (b) =>
        table(
          ['seq', 'eventId', 'topic', 'failedAt', 'error', 'redrivenSeq'],
          b.items.map((d: any) => [d.seq, d.eventId, d.topic, new Date(d.failedAt).toISOString(), d.error.code, d.redrivenSeq ?? null]),
          'no dead letters',
        ) + (b.next ? `\n(more: --after ${b.items.at(-1).seq})` : ''),
      );
    });

  withAdminOptions(dlq.command('show').argument('<seq>', 'the dead letter\'s seq'))
    .description('one dead letter with its whole event')
    .action(async (seq: string, o: AdminOptions) => {
      const body = expectOk(await adminCall(adminTarget(o), 'GET', `/admin/dead-letters/${seqArg(seq)}`), o.json);
      print(o.json, body, (b) => fields(Object.entries(b)));
    });

  withAdminOptions(dlq.command('redrive').argument('<seq>', 'the dead letter\'s seq'))
    .description('append the event to the WAL again as a new event (needs the admin token); fix the cause first')
    .action(async (seq: string, o: AdminOptions) => {
      const body = expectOk(await adminCall(adminTarget(o), 'POST', `/admin/dead-letters/${seqArg(seq)}/redrive`), o.json);
      print(o.json, body, (b) => `dead letter ${b.seq} re-driven as seq ${b.redrivenSeq}`);
    });
}

function seqArg(seq: string): number {
  if (!/^\d{1,15}$/.test(seq)) throw new CliError(EXIT.usage, `seq must be a positive integer, not '${seq}'`);
  return Number(seq);
}
