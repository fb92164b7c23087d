import { z } from 'zod';
import { AdminConfigSchema, isSocketPath } from '../admin/admin-config.js';
import { AuthConfigSchema, isLoopbackHost, openListenProblem } from '../auth/auth-config.js';
import { LogConfigSchema } from '../log.js';
import { BulkheadsConfigSchema } from '../pipeline/bulkheads.js';
import { RoutingConfigSchema } from '../pipeline/routing.js';
import { CatalogueConfigSchema } from '../pipeline/validate-event.js';
import { ForwarderConfigSchema } from '../sinks/kafka/forwarder-config.js';
import { KafkaConfigSchema } from '../sinks/kafka/kafka-config.js';
import { PoisonTriageConfigSchema } from '../sinks/kafka/poison-triage.js';
import { ReconcileConfigSchema } from '../sinks/kafka/reconciler.js';
import { FixConfigSchema } from '../sources/fix/fix-config.js';
import { HttpConfigSchema } from '../sources/http/http-config.js';
import { DeliveryLedgerConfigSchema } from '../wal/delivery-ledger.js';
import { RetentionConfigSchema } from '../wal/retention.js';
import { WalBudgetConfigSchema } from '../wal/wal-budget.js';
import { WalConfigSchema } from '../wal/wal.js';

/**
 * The whole configuration. Each component owns its section's schema and defaults; they are put
 * together here only, so no component's schema imports another's.
 */
export const GatewayConfigSchema = z
  .strictObject({
    /** Names this gateway in record headers and client ids; keep it stable across restarts. */
    gatewayId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 characters of A-Z a-z 0-9 . _ -' })
      .default('edge-1'),
    http: HttpConfigSchema.prefault({}),
    admin: AdminConfigSchema.prefault({}),
    catalogue: CatalogueConfigSchema.prefault({}),
    fix: FixConfigSchema.prefault({}),
    auth: AuthConfigSchema.prefault({}),
    routing: RoutingConfigSchema.prefault({}),
    bulkheads: BulkheadsConfigSchema.prefault({}),
    wal: WalConfigSchema.extend({
      delivery: DeliveryLedgerConfigSchema.prefault({}),
      retention: RetentionConfigSchema.prefault({}),
      budget: WalBudgetConfigSchema.prefault({}),
    }).prefault({}),
    kafka: KafkaConfigSchema.prefault({}),
    forwarder: ForwarderConfigSchema.extend({
      reconcile: ReconcileConfigSchema.prefault({}),
      ...PoisonTriageConfigSchema.shape,
    }).prefault({}),
    log: LogConfigSchema.prefault({}),
    shutdown: z
      .strictObject({
        /** SIGTERM drains within this time (ms), then exits non-zero; a second signal exits at once. */
        deadlineMs: z.number().int().positive().default(10_000),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    const open = openListenProblem(c.http.listen, c.auth.senders.length > 0 || c.http.tls?.clientCaFile !== undefined);
    if (open) ctx.addIssue({ code: 'custom', path: ['http', 'listen'], message: open });
    // The admin listener's GETs are open (health, dead letters with their events): off this box only with client certificates.
    if (!isSocketPath(c.admin.listen) && !isLoopbackHost(c.admin.listen.slice(0, c.admin.listen.lastIndexOf(':'))) && c.admin.tls?.clientCaFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['admin', 'listen'], message: `${c.admin.listen} is not a loopback address: configure admin.tls with clientCaFile (mutual TLS) before opening the admin listener to the network` });
    }
    c.auth.senders.forEach((s, i) => {
      if (s.clientCertificate !== undefined && c.http.tls?.clientCaFile === undefined) {
        ctx.addIssue({ code: 'custom', path: ['auth', 'senders', i, 'clientCertificate'], message: 'needs http.tls.clientCaFile (mutual TLS on intake)' });
      }
    });
    // A FIX session bound to a sender: the sender must exist and may send as the session's source.
    c.fix.sessions.forEach((f, i) => {
      if (f.sender === undefined) return;
      const sender = c.auth.senders.find((s) => s.name === f.sender);
      const source = `fix:${f.targetCompId}`;
      if (!sender) ctx.addIssue({ code: 'custom', path: ['fix', 'sessions', i, 'sender'], message: `no sender '${f.sender}' in auth.senders` });
      else if (!sender.sources.includes(source)) ctx.addIssue({ code: 'custom', path: ['fix', 'sessions', i, 'sender'], message: `sender '${f.sender}' must list '${source}' in its sources (this session's events carry it)` });
    });
    const queue = Number(c.kafka.producer['queue.buffering.max.messages'] ?? 100_000);
    if (c.forwarder.maxInFlightEvents > queue) {
      ctx.addIssue({
        code: 'custom',
        path: ['forwarder', 'maxInFlightEvents'],
        message: `must not exceed kafka.producer.queue.buffering.max.messages (${queue})`,
      });
    }
  });

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
