// Where a tick's collection runs. The console must stay responsive while /proc is read (tens of ms
// for thousands of processes, all synchronous I/O), so it collects in a worker thread that posts
// each RawWorld back (Maps and RegExps survive structured cloning); one-shot modes collect in-process.
// Either way the caller gets the same `collect(): Promise<RawWorld>` for the poller.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from './config.js';
import { Engine, type EngineOptions } from './engine.js';
import type { History } from './model/classify.js';
import type { RawWorld } from './model/types.js';
import { within } from './sleep.js';

export interface Collector {
  collect(history?: History): Promise<RawWorld>;
  /**
   * Stops collecting, within a short bound whatever a collection is doing: 'stuck' when the worker
   * could not be stopped (a thread blocked in a read no signal ends): the process must then end
   * without waiting for it (Node's exit joins every worker thread).
   */
  close(): Promise<'closed' | 'stuck'>;
  readonly where: 'in-process' | 'worker';
}

export interface WorkerInit {
  config: Config;
  opts: Omit<EngineOptions, 'env'> & { env: Record<string, string | undefined> };
}

export function inProcessCollector(config: Config, opts: EngineOptions = {}): Collector {
  const engine = new Engine(config, opts);
  return { collect: (history) => engine.collect(history), close: async () => 'closed', where: 'in-process' };
}

/** The built worker script (from src/ under vitest, the copy in dist/). */
function workerScript(): string {
  for (const u of [new URL('./collector-worker.js', import.meta.url), new URL('../dist/collector-worker.js', import.meta.url)]) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error('collector-worker.js not found (run `npm run build`)');
}

/** How long closing waits for each step (the worker's own cleanup, then its termination). */
const CLOSE_STEP_MS = 250;

export function workerCollector(config: Config, opts: EngineOptions = {}): Collector {
  const init: WorkerInit = { config, opts: { ...opts, env: { ...(opts.env ?? process.env) } } };
  const worker = new Worker(workerScript(), { workerData: init });
  // The worker never keeps orch-top alive on its own.
  worker.unref();
  let seq = 0;
  const pending = new Map<number, { resolve: (r: RawWorld) => void; reject: (e: Error) => void }>();
  let dead: Error | null = null;
  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: { id: number; raw?: RawWorld; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.raw) p.resolve(m.raw);
    else p.reject(new Error(m.error ?? 'collector failed'));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`collector worker exited (${code})`)));
  return {
    where: 'worker',
    collect(history) {
      if (dead) return Promise.reject(dead);
      const id = ++seq;
      return new Promise<RawWorld>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // History is a few small Maps; structured cloning copies them each tick.
        worker.postMessage({ id, history });
      });
    },
    async close() {
      if (dead) return 'closed';
      dead = new Error('collector closed');
      failAll(dead);
      // Ask the worker to end its tmux calls (and their children), then stop it; neither waits long.
      const ended = new Promise<void>((resolve) => {
        worker.on('message', (m: { closed?: boolean }) => m.closed && resolve());
        worker.postMessage({ id: 0, close: true });
      });
      await within(ended, CLOSE_STEP_MS);
      return (await within(worker.terminate(), CLOSE_STEP_MS)) ? 'closed' : 'stuck';
    },
  };
}
