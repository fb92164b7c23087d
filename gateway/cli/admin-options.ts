import type { Command } from 'commander';

/** The options of every command that talks to a running gateway over its admin listener. */
export function withAdminOptions(cmd: Command): Command {
  return cmd
    .option('--admin <address>', "the admin listener: http://host:port, https://host:port (admin.tls), host:port or unix:/path (default: the config's admin.listen)")
    .option('-c, --config <file>', 'configuration file to read admin.listen and admin.tokenFile from (default: config/edge-gateway.yaml when present)')
    .option('--token-file <file>', 'file with the admin bearer token, for mutating calls (default: admin.tokenFile)')
    .option('--ca <file>', 'with https://: the CA certificate (PEM) to trust for the admin listener')
    .option('--cert <file>', 'with https://: a client certificate (PEM), when admin.tls.clientCaFile asks for one')
    .option('--key <file>', "with https://: the client certificate's key (PEM)")
    .option('--timeout <ms>', 'how long to wait for an answer, in ms', '5000')
    .option('--json', 'print the answer as JSON (for scripts)');
}
