import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { z } from 'zod';

export const LogConfigSchema = z.strictObject({
  /** pino's levels, most to least severe; `silent` logs nothing. Per event lines are `debug` at most. */
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * `json`: one JSON object per line (journald and log shippers); `pretty`: coloured, readable lines
   * (pino-pretty) for a person at a terminal; `auto`: `pretty` when stdout is a terminal, else `json`.
   */
  format: z.enum(['auto', 'json', 'pretty']).default('auto'),
});
export type LogConfig = z.infer<typeof LogConfigSchema>;

/**
 * Values that must never reach a log line, wherever they sit: librdkafka's secret settings (as in
 * `kafka.producer`), passwords, tokens and Authorization headers. pino replaces them.
 */
const SECRET_SETTINGS = ['sasl.password', 'ssl.key.password', 'ssl.keystore.password', 'sasl.oauthbearer.client.secret'];
export const REDACTED_PATHS = [
  'password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  // librdkafka settings, where the config (or its kafka section) is logged.
  ...SECRET_SETTINGS.flatMap((k) => ['', '*.', 'producer.', 'kafka.producer.', 'config.kafka.producer.'].map((at) => `${at}["${k}"]`)),
];

/**
 * The gateway's logger: to stdout (journald keeps it under systemd), ISO timestamps, secrets
 * redacted. `destination` is for tests; `isTty` decides `format: auto` (default: stdout's).
 */
export function createLogger(config: LogConfig, base: Record<string, unknown>, options: { destination?: DestinationStream; isTty?: boolean } = {}): Logger {
  const pretty = config.format === 'pretty' || (config.format === 'auto' && (options.isTty ?? process.stdout.isTTY === true));
  const opts = { level: config.level, base, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (pretty) {
    // In the main thread (no transport worker): a person reads it, so throughput does not matter.
    const stream = PinoPretty({ colorize: options.destination ? false : process.stdout.isTTY === true, translateTime: 'SYS:standard', ignore: 'pid,hostname', sync: true, ...(options.destination ? { destination: options.destination } : {}) });
    return pino(opts, stream);
  }
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
