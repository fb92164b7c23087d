import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files of one certificate and its key. */
export interface CertFiles {
  cert: string;
  key: string;
}

/** The serial number (hex) of the certificate in a PEM file: which of two certificates a listener serves. */
export const serialOf = (file: string): string => new X509Certificate(readFileSync(file)).serialNumber;

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * A throwaway CA made at test time with the openssl CLI (P-256 keys, valid for `days`): nothing of
 * it is committed. Its key file is 0600 like any secret the gateway reads.
 */
export function makeCa(dir: string, name: string, days = 2): CertFiles {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', String(days),
    '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  chmodSync(key, 0o600);
  return { cert, key };
}

/**
 * A leaf certificate signed by `ca` with subject CN `cn`, for server and client use, its
 * subjectAltName `san` (default: localhost and 127.0.0.1), valid for `days`.
 */
export function makeCert(dir: string, ca: CertFiles, cn: string, options: { san?: string; days?: number; file?: string } = {}): CertFiles {
  const base = join(dir, options.file ?? cn);
  const ext = `${base}.ext`;
  writeFileSync(ext, `subjectAltName=${options.san ?? 'DNS:localhost,IP:127.0.0.1'}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${cn}`]);
  openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${base}.pem`, '-days', String(options.days ?? 30), '-extfile', ext]);
  chmodSync(`${base}.key`, 0o600);
  return { cert: `${base}.pem`, key: `${base}.key` };
}

/**
 * The certificate files a gateway under test is configured with (`served.pem`, `served.key` in
 * `dir`): `install` copies a certificate over them, as an operator replaces files before SIGHUP.
 */
export function servedFiles(dir: string): CertFiles & { install(from: CertFiles): void } {
  const served = { cert: join(dir, 'served.pem'), key: join(dir, 'served.key') };
  return {
    ...served,
    install(from: CertFiles) {
      copyFileSync(from.cert, served.cert);
      copyFileSync(from.key, served.key);
    },
  };
}
