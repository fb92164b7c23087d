import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../bench/temp-dir.js';

/** A fresh admin token in a temporary file: the env that configures it, and the header that carries it. */
export function adminToken(): { token: string; env: Record<string, string>; auth: Record<string, string> } {
  const token = randomBytes(24).toString('base64url');
  const file = join(tempDir('admin-token-'), 'admin-token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, env: { EDGE_GATEWAY_ADMIN_TOKEN_FILE: file }, auth: { authorization: `Bearer ${token}` } };
}
