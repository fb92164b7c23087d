import { z } from 'zod';

/**
 * The `tls` subsection of a listener (`http.tls`, `admin.tls`): unset, the listener speaks plain
 * HTTP. PEM files; the key file must not be readable by others. With `clientCaFile` every client
 * must present a certificate signed by that CA (mutual TLS); its subject CN or a SAN entry can name
 * a sender (`auth.senders[].clientCertificate`).
 */
export const TlsConfigSchema = z.strictObject({
  /** The listener's certificate chain (PEM: leaf first). */
  certFile: z.string().min(1),
  /** Its private key (PEM). */
  keyFile: z.string().min(1),
  /** CA certificates (PEM) that client certificates must chain to; set: client certificates are mandatory. */
  clientCaFile: z.string().min(1).optional(),
});
export type TlsConfig = z.infer<typeof TlsConfigSchema>;
