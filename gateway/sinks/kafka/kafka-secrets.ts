import { readSecretFile } from '../../auth/secret-file.js';
import type { KafkaConfig } from './kafka-config.js';

/**
 * The Kafka section with its secrets filled in from their files (`saslPasswordFile` ->
 * `producer['sasl.password']`), for `producerConfig` and `clientConnectionConfig`. Throws
 * ConfigError naming the file when it cannot be read, is readable by others, or is empty.
 * The result holds a secret: never log it (check-config masks `sasl.password`).
 */
export function withKafkaSecrets(config: KafkaConfig): KafkaConfig {
  if (config.saslPasswordFile === undefined) return config;
  const password = readSecretFile('kafka.saslPasswordFile', config.saslPasswordFile);
  return { ...config, producer: { ...config.producer, 'sasl.password': password } };
}
