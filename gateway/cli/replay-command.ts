import type { Command } from 'commander';
import { adminCall, adminTarget, type AdminOptions } from './admin-client.js';
import { withAdminOptions } from './admin-options.js';
import { CliError, EXIT } from './exit-codes.js';
import { expectOk, print, table } from './output.js';

interface ReplayOptions extends AdminOptions {
  from?: string;
  to?: string;
  type?: string;
  aggregateId?: string;
  fromSeq?: string;
  toSeq?: string;
  dryRun?: boolean;
}

/**
 * `edge-gateway replay`: re-send delivered events the WAL still holds (within wal.retention.periodMs),
 * selected by time range, type, aggregateId or seq range (all given narrow together). Each replayed
 * record carries a `replay` header and a new correlation-id. `--dry-run` lists what would go.
 */
export function registerReplay(program: Command): void {
  withAdminOptions(program.command('replay'))
    .description('re-send delivered events still within retention (needs the admin token; --dry-run does not)')
    .option('--from <time>', 'received at or after this RFC 3339 UTC time, e.g. 2026-11-30T09:00:00Z')
    .option('--to <time>', 'received before this RFC 3339 UTC time')
    .option('--type <type>', 'only events of this type, e.g. TradeConfirmed')
    .option('--aggregate-id <id>', 'only events with this aggregateId (ordering key)')
    .option('--from-seq <seq>', 'only seqs at or above this')
    .option('--to-seq <seq>', 'only seqs at or below this')
    .option('--dry-run', 'list what would be re-sent; change nothing')
    .action(async (o: ReplayOptions) => {
      const request = {
        ...(o.from !== undefined ? { from: o.from } : {}),
        ...(o.to !== undefined ? { to: o.to } : {}),
        ...(o.type !== undefined ? { type: o.type } : {}),
        ...(o.aggregateId !== undefined ? { aggregateId: o.aggregateId } : {}),
        ...(o.fromSeq !== undefined ? { fromSeq: seq('--from-seq', o.fromSeq) } : {}),
        ...(o.toSeq !== undefined ? { toSeq: seq('--to-seq', o.toSeq) } : {}),
        dryRun: o.dryRun === true,
      };
      // The dry run is a GET (open, read-only); the replay itself a POST (token required).
      const { dryRun, ...selection } = request;
      const query = new URLSearchParams(Object.fromEntries(Object.entries(selection).map(([k, v]) => [k, String(v)])));
      const answer = dryRun
        ? await adminCall(adminTarget(o), 'GET', `/admin/replay?${query}`)
        : await adminCall(adminTarget(o), 'POST', '/admin/replay', request);
      const body = expectOk(answer, o.json);
      print(o.json, body, (b) => {
        const rows = table(
          ['seq', 'eventId', 'type', 'aggregateId', 'topic', 'receivedAt'],
          b.events.map((e: any) => [e.seq, e.eventId, e.type, e.aggregateId, e.topic, e.receivedAt]),
          'no delivered event matches',
        );
        return b.dryRun
          ? `${rows}\n${b.selected} events would be re-sent (dry run: nothing changed)`
          : `${rows}\nreplay ${b.replayId}: ${b.replayed} events appended${b.replayed > 0 ? ` as seqs ${b.firstSeq}..${b.lastSeq}` : ''}`;
      });
    });
}

function seq(flag: string, text: string): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw new CliError(EXIT.usage, `${flag} must be a positive integer, not '${text}'`);
  return Number(text);
}
