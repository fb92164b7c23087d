import type { ProducerGlobalConfig } from 'node-rdkafka';
import { z } from 'zod';

/** Settings the delivery guarantee rests on: a config that tries to change them is refused. */
const FIXED = [
  'bootstrap.servers',
  'metadata.broker.list',
  'enable.idempotence',
  'acks',
  'request.required.acks',
  'dr_cb',
  'dr_msg_cb',
  'test.mock.num.brokers',
  'transactional.id',
];

const brokerAddress = z.string().regex(/^[^\s:,]+:\d{1,5}$/, { message: 'must be host:port' });

export const KafkaConfigSchema = z.strictObject({
  /** Bootstrap brokers, host:port. Empty: the embedded in-memory dev bus (never for production). */
  brokers: z.array(brokerAddress).default([]),
  /** Passed through to librdkafka (security.protocol, sasl.*, linger.ms, ...), over our defaults. */
  producer: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .superRefine((producer, ctx) => {
      for (const key of Object.keys(producer).filter((k) => FIXED.includes(k))) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is set by the gateway and cannot be overridden (delivery guarantees depend on it)' });
      }
    })
    .default({}),
  /**
   * File holding the SASL password (librdkafka `sasl.password`), so it is not in the config in
   * clear; read once at start-up, must not be readable by others. Used by the producer and the
   * read-back consumer alike.
   */
  saslPasswordFile: z.string().min(1).optional(),
}).refine((c) => !(c.saslPasswordFile !== undefined && c.producer['sasl.password'] !== undefined), {
  path: ['producer', 'sasl.password'],
  message: 'give the password once: kafka.saslPasswordFile (preferred) or kafka.producer sasl.password',
});
export type KafkaConfig = z.infer<typeof KafkaConfigSchema>;


/** The librdkafka producer configuration: our defaults, the user's pass-through, then the fixed settings. */
export function producerConfig(config: KafkaConfig, bootstrap: string, gatewayId: string): ProducerGlobalConfig {
  return {
    'client.id': `edge-gateway-${gatewayId}`,
    'linger.ms': 5,
    'batch.num.messages': 10_000,
    // The backlog lives in the WAL; librdkafka only holds what the forwarder hands over.
    'queue.buffering.max.messages': 100_000,
    'queue.buffering.max.kbytes': 131_072,
    'message.timeout.ms': 120_000,
    'compression.type': 'lz4',
    // Same key -> partition mapping as the Java client, so other producers agree on placement.
    partitioner: 'murmur2_random',
    'socket.keepalive.enable': true,
    ...(config.producer as ProducerGlobalConfig),
    'bootstrap.servers': bootstrap,
    'enable.idempotence': true,
    acks: 'all',
    dr_cb: true,
    // librdkafka's error-level log lines (e.g. `SASL authentication error`, `SSL handshake failed`)
    // are the only place a failed connect says why: the producer keeps the last one for health.
    event_cb: true,
  } as ProducerGlobalConfig;
}

/** The connection and security settings of the pass-through, for the gateway's other Kafka clients. */
export function clientConnectionConfig(config: KafkaConfig): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(config.producer).filter(([k]) => /^(security\.|sasl\.|ssl\.|socket\.|broker\.address\.family)/.test(k)),
  );
}
