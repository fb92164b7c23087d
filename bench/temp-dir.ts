import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

function removeAll(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
}

/**
 * A fresh directory under `parent`, removed with everything in it when this process exits (WALs
 * of test and bench runs are large). Stop any process writing there before then.
 */
export function tempDir(prefix = 'edge-gateway-test-', parent = tmpdir()): string {
  if (made.size === 0) process.once('exit', removeAll);
  const dir = mkdtempSync(join(parent, prefix));
  made.add(dir);
  return dir;
}
