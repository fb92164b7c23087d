import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/**
 * Reads a file that holds a secret (a token, a TLS private key), refusing one that others may
 * read: its mode must have no bits for "other" (e.g. 0600, 0640; systemd `LoadCredential=` gives
 * 0400). `key` names the config key in the error. Surrounding whitespace is removed when `trim`.
 * Throws ConfigError naming the key and the file (never its content) when the file cannot be
 * read, is readable by others, or is empty.
 */
export function readSecretFile(key: string, file: string, options: { trim?: boolean } = {}): string {
  let text: string;
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o007) !== 0) {
      throw new ConfigError([`${key}: ${file} is readable by others (mode ${mode.toString(8).padStart(4, '0')}); chmod o-rwx ${file}`]);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`${key}: cannot read ${file}: ${(err as Error).message}`]);
  }
  if (options.trim !== false) text = text.trim();
  if (text === '') throw new ConfigError([`${key}: ${file} is empty`]);
  return text;
}
