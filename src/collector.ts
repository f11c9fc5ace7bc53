// Where a tick runs. The console must stay responsive while /proc is read and the model runs (tens of
// ms for thousands of processes, all synchronous), so it ticks in a worker thread: the worker
// collects, classifies once and keeps the history (pane memory included), and only the Snapshot
// crosses to the screen (structured cloning; the raw world and the history never do). One-shot modes
// tick in-process through the same Engine.tick. Either way the caller gets `tick(): Promise<Snapshot>`
// for the poller, and `seen()` for the pane memory to save.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from './config.js';
import { Engine, type EngineOptions } from './engine.js';
import type { History } from './model/classify.js';
import type { Snapshot } from './model/types.js';
import { within } from './sleep.js';

/** The pane parts of the history: what a console saves on quit. */
export type Seen = Pick<History, 'panes' | 'sessions'>;

export interface Collector {
  /** One whole tick: collect, classify, advance the history. */
  tick(): Promise<Snapshot>;
  /** The panes and sessions seen so far (handed over from the worker on request). */
  seen(): Promise<Seen>;
  /**
   * Stops ticking, within a short bound whatever a tick is doing: 'stuck' when the worker could not be
   * stopped (a thread blocked in a read no signal ends): the process must then end without waiting
   * for it (Node's exit joins every worker thread).
   */
  close(): Promise<'closed' | 'stuck'>;
  readonly where: 'in-process' | 'worker';
}

export interface WorkerInit {
  config: Config;
  opts: Omit<EngineOptions, 'env'> & { env: Record<string, string | undefined> };
}

/** What the main thread asks the worker; every request gets one reply with its id. */
export type WorkerRequest = { id: number; kind: 'tick' | 'seen' | 'close' };
export type WorkerReply = { id: number; snapshot?: Snapshot; seen?: Seen; error?: string };

export function inProcessCollector(config: Config, opts: EngineOptions = {}): Collector {
  const engine = new Engine(config, opts);
  return {
    tick: () => engine.tick(),
    seen: async () => ({ panes: engine.seen.panes, sessions: engine.seen.sessions }),
    close: async () => 'closed',
    where: 'in-process',
  };
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

/**
 * The worker's heap: the data is small (a snapshot is ~200 KB, the history ~300 KB), so a small young
 * generation is enough and keeps its reserved room down (`npm run bench` prints the RSS).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

export function workerCollector(config: Config, opts: EngineOptions = {}): Collector {
  const init: WorkerInit = { config, opts: { ...opts, env: { ...(opts.env ?? process.env) } } };
  const worker = new Worker(workerScript(), { workerData: init, resourceLimits: WORKER_LIMITS });
  // The worker never keeps orch-top alive on its own.
  worker.unref();
  let seq = 0;
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  let dead: Error | null = null;
  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: WorkerReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error === undefined) p.resolve(m);
    else p.reject(new Error(m.error || 'collector failed'));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`collector worker exited (${code})`)));
  const ask = (kind: WorkerRequest['kind']): Promise<WorkerReply> => {
    if (dead) return Promise.reject(dead);
    const id = ++seq;
    return new Promise<WorkerReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, kind } satisfies WorkerRequest);
    });
  };
  let closing: Promise<'closed' | 'stuck'> | null = null;
  return {
    where: 'worker',
    tick: async () => (await ask('tick')).snapshot!,
    seen: async () => (await ask('seen')).seen!,
    close() {
      closing ??= (async (): Promise<'closed' | 'stuck'> => {
        if (dead) return 'closed';
        dead = new Error('collector closed');
        failAll(dead);
        // Ask the worker to end its tmux calls (and their children), then stop it; neither waits long.
        const ended = new Promise<void>((resolve) => {
          worker.on('message', (m: { closed?: boolean }) => m.closed && resolve());
          worker.postMessage({ id: 0, kind: 'close' } satisfies WorkerRequest);
        });
        await within(ended, CLOSE_STEP_MS);
        return (await within(worker.terminate(), CLOSE_STEP_MS)) ? 'closed' : 'stuck';
      })();
      return closing;
    },
  };
}
