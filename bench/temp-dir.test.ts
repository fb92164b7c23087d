import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

it('removes every directory it made, with its contents, when the process exits', () => {
  const parent = tempDir('temp-dir-test-');
  const module = fileURLToPath(new URL('./temp-dir.ts', import.meta.url));
  const script = `
    import { writeFileSync } from 'node:fs';
    import { tempDir } from ${JSON.stringify(module)};
    const dirs = [tempDir('a-', ${JSON.stringify(parent)}), tempDir('b-', ${JSON.stringify(parent)})];
    writeFileSync(dirs[0] + '/wal.db', 'x');
    console.log(JSON.stringify(dirs));`;
  const dirs = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  assert.equal(dirs.length, 2);
  for (const d of dirs) assert.ok(d.startsWith(parent) && !existsSync(d), `${d} is gone`);
});
