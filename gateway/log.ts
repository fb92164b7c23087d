import { pino, type Logger } from 'pino';
import { z } from 'zod';

export const LogConfigSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type LogConfig = z.infer<typeof LogConfigSchema>;

/** JSON lines on stdout; journald keeps them under systemd. */
export function createLogger(config: LogConfig, base: Record<string, unknown>): Logger {
  return pino({ level: config.level, base, timestamp: pino.stdTimeFunctions.isoTime });
}
