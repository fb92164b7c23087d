import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Forks one of the harness's own entry points as a separate process: the compiled `.js` when the
 * harness runs from `dist/`, the `.ts` source when it runs through tsx (whose loader the child
 * inherits through execArgv).
 */
export function forkEntry(relative: string, args: string[] = []): ChildProcess {
  const js = fileURLToPath(new URL(`${relative}.js`, import.meta.url));
  const file = existsSync(js) ? js : js.replace(/\.js$/, '.ts');
  return fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Sends `request` to a forked entry and resolves with its one reply; rejects if it exits first. */
export function ask<T>(child: ChildProcess, request: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${child.spawnfile} exited with ${code} before answering`));
    child.once('exit', onExit);
    child.once('message', (m: { ok: boolean; value?: T; error?: string }) => {
      child.off('exit', onExit);
      if (m.ok) resolve(m.value as T);
      else reject(new Error(m.error));
    });
    child.send(request as object);
  });
}

/** In a forked entry: answers the parent's one request with `handler`, then exits. */
export function answerOnce<Req, Res>(handler: (req: Req) => Promise<Res>): void {
  process.once('message', (req: Req) => {
    handler(req).then(
      (value) => process.send!({ ok: true, value }, () => process.exit(0)),
      (err: Error) => process.send!({ ok: false, error: err.stack ?? err.message }, () => process.exit(1)),
    );
  });
}
