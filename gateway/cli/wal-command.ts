import type { Command } from 'commander';
import { adminCall, adminTarget, type AdminOptions } from './admin-client.js';
import { withAdminOptions } from './admin-options.js';
import { expectOk, fields, print } from './output.js';

/** `edge-gateway wal stats`: rows, bytes, backlog, oldest undelivered, file sizes. */
export function registerWal(program: Command): void {
  const wal = program.command('wal').description('the write-ahead log');
  withAdminOptions(wal.command('stats'))
    .description('rows, bytes, backlog, oldest undelivered event, file sizes')
    .action(async (o: AdminOptions) => {
      const body = expectOk(await adminCall(adminTarget(o), 'GET', '/admin/wal'), o.json);
      print(o.json, body, (s) =>
        fields([
          ['path', s.path],
          ['rows', s.rows],
          ['seq range', s.minSeq === null ? 'empty' : `${s.minSeq}..${s.lastSeq}`],
          ['used bytes', s.usedBytes],
          ['file bytes', `db ${s.files.db}, -wal ${s.files.wal}, -shm ${s.files.shm}`],
          ['backlog', `${s.backlog.events} events (delivered cursor ${s.backlog.deliveredCursor})`],
          ['oldest undelivered', s.backlog.oldestUndeliveredAt === null ? 'none' : `${s.backlog.oldestUndeliveredAt} (${s.backlog.oldestUndeliveredAgeMs} ms ago)`],
          ['open dead letters', s.deadLetters.open],
        ]),
      );
    });
}
