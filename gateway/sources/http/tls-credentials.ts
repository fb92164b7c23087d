import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type TlsOptions } from 'node:tls';
import { readSecretFile } from '../../auth/secret-file.js';
import { ConfigError } from '../../errors.js';
import type { TlsConfig } from './tls-config.js';

const DAY_MS = 86_400_000;

/**
 * A listener's TLS material, read from its files: at start-up (`serverOptions`) and again on
 * SIGHUP (`reload`, for `server.setSecureContext`). TLS 1.2 is the lowest version taken; the
 * cipher list is Node's default (modern AEAD suites first). `key` names the config section in errors.
 */
export class TlsCredentials {
  private context: SecureContextOptions;
  private notAfter: number;

  /** Throws ConfigError (naming the key and the file, never a key's content) when a file cannot be read or parsed. */
  constructor(
    private readonly key: string,
    private readonly config: TlsConfig,
  ) {
    ({ context: this.context, notAfter: this.notAfter } = this.load());
  }

  /** Options for `https.createServer` / `tls.createServer`. */
  serverOptions(): TlsOptions {
    const mutual = this.config.clientCaFile !== undefined;
    return { ...this.context, minVersion: 'TLSv1.2', requestCert: mutual, rejectUnauthorized: mutual };
  }

  /** Reads the files again; returns the new context, or throws ConfigError and keeps the old one. */
  reload(): SecureContextOptions {
    ({ context: this.context, notAfter: this.notAfter } = this.load());
    return { ...this.context, minVersion: 'TLSv1.2' };
  }

  get mutual(): boolean {
    return this.config.clientCaFile !== undefined;
  }

  /** Seconds until the certificate expires (negative once expired), at `now` (epoch ms): for Prometheus. */
  secondsLeft(now = Date.now()): number {
    return Math.floor((this.notAfter - now) / 1000);
  }

  /** Whole days until the certificate expires (negative once expired), at `now` (epoch ms). */
  daysLeft(now = Date.now()): number {
    return Math.floor((this.notAfter - now) / DAY_MS);
  }

  private load(): { context: SecureContextOptions; notAfter: number } {
    const cert = readPublic(`${this.key}.certFile`, this.config.certFile);
    const privateKey = readSecretFile(`${this.key}.keyFile`, this.config.keyFile, { trim: false });
    const ca = this.config.clientCaFile === undefined ? undefined : readPublic(`${this.key}.clientCaFile`, this.config.clientCaFile);
    let notAfter: number;
    try {
      notAfter = Date.parse(new X509Certificate(cert).validTo);
    } catch (err) {
      throw new ConfigError([`${this.key}.certFile: ${this.config.certFile} is not a PEM certificate: ${(err as Error).message}`]);
    }
    const context = { cert, key: privateKey, ...(ca ? { ca } : {}) };
    try {
      createSecureContext(context); // a key that does not match the certificate fails here, not at the first handshake
    } catch (err) {
      throw new ConfigError([`${this.key}: ${this.config.certFile} and ${this.config.keyFile} do not make a usable pair: ${(err as Error).message}`]);
    }
    return { context, notAfter };
  }
}

function readPublic(key: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${key}: cannot read ${file}: ${(err as Error).message}`]);
  }
}
