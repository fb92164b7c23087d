import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./mock-bus-main.ts', import.meta.url));

/** librdkafka's mock cluster in a child process (see mock-bus-main.ts). For fast unit tests only. */
export async function startMockBusProcess(): Promise<{ bootstrap: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`mock bus exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { bootstrap: string }).bootstrap));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    bootstrap,
    child,
    stop: async () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
