import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LoadSender, type LoadOptions, type LoadResult } from './load-sender.js';

type ThreadOptions = Omit<LoadOptions, 'url'> & { url: string };

/**
 * A LoadSender on a thread of its own, so the test that times other requests meanwhile is not
 * delayed by the flood's own work (building and sending its bodies, reading its answers) on the
 * test's event loop. Same figures as LoadSender: `result` (refreshed every 20 ms), `settled`, `done`.
 */
export class LoadSenderThread {
  result: LoadResult = { sent: 0, acknowledged: 0, responses: {}, unavailable: {}, retryAfterSeen: [] };
  settled = false;
  readonly done: Promise<LoadResult>;
  private readonly worker: Worker;

  constructor(options: ThreadOptions) {
    // The worker runs this file again through tsx (registered in the worker: workers do not inherit the loader).
    const entry = new URL(import.meta.url).href;
    const worker = (this.worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData: options }));
    this.done = new Promise<LoadResult>((resolve, reject) => {
      worker.on('message', (m: { result: LoadResult; done: boolean }) => {
        this.result = m.result;
        if (m.done) resolve(m.result);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the load sender's thread exited (${code}) before it was done`)));
    }).finally(() => (this.settled = true));
    this.done.catch(() => {}); // a caller that stops early need not await it
  }

  /** Ends the flood at once (its thread terminated), e.g. when the test failed before it was done. Idempotent. */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort && (workerData as ThreadOptions | undefined)?.prefix !== undefined) {
  const o = workerData as ThreadOptions;
  const sender = new LoadSender({ ...o, url: () => o.url });
  const tick = setInterval(() => parentPort!.postMessage({ result: sender.result, done: false }), 20);
  void sender.done.then((result) => {
    clearInterval(tick);
    parentPort!.postMessage({ result, done: true });
  });
}
