// What every mode of the command line shares below main.ts: the exit codes, the run context, and the
// engine + store pair that looks at the world (with the pane memory of earlier runs). main.ts picks a
// mode; the modes (cleanup.ts, console.tsx, snapshot.ts) import from here, never from main.ts.

import { ProcReader } from '../collectors/procfs.js';
import type { Config } from '../config.js';
import type { Seen } from '../collector.js';
import { Engine } from '../engine.js';
import { emptyHistory } from '../model/classify.js';
import type { Snapshot } from '../model/types.js';
import { sleep } from '../sleep.js';
import { loadPaneMemory, paneMemoryPath, savePaneMemory } from '../store/pane-memory.js';
import { type AppState, createAppStore } from '../store/store.js';
import type { StoreApi } from 'zustand/vanilla';
import type { RunCtx } from './io.js';

export { EXIT, type Io, type RunCtx } from './io.js';

/**
 * The store every mode uses, and the pane memory of earlier runs when `memory` allows, so a one-shot
 * run can trace what a pane left behind after its session went (src/store/pane-memory.ts): `history`
 * seeds the engine (in-process or the console's worker), `save(seen)` writes what it has seen back
 * (read-write only). The demo's private server is never remembered.
 */
export function makeStore(config: Config, env: NodeJS.ProcessEnv, memory: 'off' | 'read' | 'read-write') {
  let bootTime = 0;
  if (memory !== 'off' && !config.demo) {
    try {
      bootTime = new ProcReader().bootTimeMs();
    } catch {
      /* no /proc: no memory */
    }
  }
  const memoryPath = paneMemoryPath(env);
  const history = emptyHistory();
  if (bootTime) Object.assign(history, loadPaneMemory(memoryPath, bootTime));
  const store = createAppStore({ intervalMs: config.intervalMs });
  /** Writes the pane memory back; returns a problem to report, or null. */
  const save = (seen: Seen): string | null => (memory === 'read-write' && bootTime ? savePaneMemory(memoryPath, seen, bootTime) : null);
  return { store, history, save };
}

/** Calls `f` once, when the store's first snapshot is in. */
export function whenFirstSnapshot(store: StoreApi<AppState>, f: () => void): void {
  const stop = store.subscribe((s) => {
    if (!s.snapshot) return;
    stop();
    f();
  });
}

/** An engine and a store that keep their history between looks (a reap looks before and after). */
export function makeLooker(config: Config, ctx: Omit<RunCtx, 'out' | 'err'>, memory: 'off' | 'read' | 'read-write' = 'off') {
  const { store, history, save } = makeStore(config, ctx.env, memory);
  if (ctx.afterFirstLook) whenFirstSnapshot(store, ctx.afterFirstLook);
  const engine = new Engine(config, { env: ctx.env, cwd: ctx.cwd, extraWorkspaces: ctx.extraWorkspaces, history });
  /** Ticks for `sampleMs` (at least one), through the same store the console uses. */
  const look = async (sampleMs = config.sampleMs): Promise<Snapshot> => {
    const start = Date.now();
    for (;;) {
      const t0 = Date.now();
      const snapshot = await engine.tick();
      store.getState().ingest(snapshot, Date.now() - t0);
      if (Date.now() - start >= sampleMs) break;
      await sleep(Math.max(0, Math.min(config.intervalMs - (Date.now() - t0), sampleMs - (Date.now() - start))));
    }
    return store.getState().snapshot!;
  };
  return { engine, store, look, save: () => save(engine.seen) };
}
