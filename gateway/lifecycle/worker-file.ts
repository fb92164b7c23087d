import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of a thread entry point in `workers/` (e.g. `encode-records`): the compiled `.js` in
 * production, the `.ts` source when the gateway runs through tsx (tests, bench).
 */
export function workerFile(name: string): string {
  const js = fileURLToPath(new URL(`../../workers/${name}.js`, import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}
