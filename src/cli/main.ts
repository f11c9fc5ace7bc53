// The command line: picks the mode, wires engine → store → view, and turns outcomes into exit codes
// (0 clean, 1 findings, 2 usage/config/environment). Every mode uses the same engine and store.

import { version } from '../version.js';
import { parseCli, HELP, UsageError, type Config } from '../config.js';
import { Engine, classifyConfigOf } from '../engine.js';
import { ProcReader } from '../collectors/procfs.js';
import type { Snapshot, WorkspaceHow } from '../model/types.js';
import { createAppStore } from '../store/store.js';
import { emptyHistory } from '../model/classify.js';
import { loadPaneMemory, paneMemoryPath, savePaneMemory } from '../store/pane-memory.js';
import { renderSnapshotText } from '../render/text.js';
import { colorWanted, makePaint } from '../render/theme.js';

export interface Io {
  stdout: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): boolean };
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

/** How long `--demo --snapshot` watches by default: enough ticks for the descriptor trend. */
const DEMO_SAMPLE_MS = 3_000;
const DEMO_INTERVAL_MS = 500;

export { version };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function main(argv: string[], io: Partial<Io> = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  let parsed;
  try {
    parsed = parseCli(argv, env, cwd);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`orch-top: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (parsed.kind === 'help') {
    out.write(HELP);
    return EXIT.clean;
  }
  if (parsed.kind === 'version') {
    out.write(`orch-top ${version()}\n`);
    return EXIT.clean;
  }
  const config = parsed.config;
  // The console reads keys in raw mode and draws full-screen: it needs a terminal on both ends.
  if (config.mode === 'console' && (!(out as NodeJS.WriteStream).isTTY || !(io.stdin ?? process.stdin).isTTY)) {
    err.write('orch-top: the console needs a terminal; for scripts and CI use --snapshot (or --snapshot --json)\n');
    return EXIT.usage;
  }

  let extraWorkspaces: { path: string; how: WorkspaceHow }[] = [];
  let stopDemo: (() => Promise<void>) | null = null;
  if (config.demo) {
    const { startDemo, installDemoCleanup } = await import('../demo/sandbox.js');
    err.write('orch-top: starting the demo sandbox (private tmux socket, temporary workspace)…\n');
    let demo;
    try {
      demo = await startDemo({ log: (l) => err.write(`  ${l}\n`) });
    } catch (e) {
      err.write(`orch-top: the demo could not start: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    installDemoCleanup(demo);
    stopDemo = () => demo.stop();
    for (const n of demo.notes) err.write(`  note: ${n}\n`);
    config.server = demo.server;
    config.orchestratorPid = demo.orchestratorPid;
    config.pidfile = null;
    config.prefixes = [...new Set([...config.prefixes, demo.prefix])];
    if (config.workspaces.length === 0) extraWorkspaces = demo.workspaces.map((path) => ({ path, how: 'demo' as const }));
    if (!config.sampleGiven) {
      config.sampleMs = DEMO_SAMPLE_MS;
      config.intervalMs = Math.min(config.intervalMs, DEMO_INTERVAL_MS);
    }
  }
  try {
    if (config.mode === 'reap' || config.mode === 'shutdown') {
      const { runCleanup } = await import('./cleanup.js');
      return await runCleanup(config, { out, err, env, cwd, extraWorkspaces });
    }
    return config.mode === 'snapshot'
      ? await runSnapshot(config, { out, err, env, cwd, extraWorkspaces })
      : await (await import('./console.js')).runConsole(config, { out, err, env, cwd, extraWorkspaces, stdin: io.stdin ?? process.stdin, title: config.demo ? 'orch-top demo' : 'orch-top' });
  } finally {
    if (stopDemo) {
      err.write('orch-top: tearing the demo down…\n');
      await stopDemo();
    }
  }
}

export interface RunCtx {
  out: Io['stdout'];
  err: Io['stderr'];
  env: NodeJS.ProcessEnv;
  cwd: string;
  extraWorkspaces: { path: string; how: WorkspaceHow }[];
}

/**
 * The store every mode uses, seeded with the panes earlier runs saw when `memory` allows, so a
 * one-shot run can trace what a pane left behind after its session went (src/store/pane-memory.ts);
 * `save()` writes them back (read-write only). The demo's private server is never remembered.
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
  const store = createAppStore({ classifyConfig: () => classifyConfigOf(config, env), intervalMs: config.intervalMs, history });
  /** Writes the pane memory back; returns a problem to report, or null. */
  const save = (): string | null => (memory === 'read-write' && bootTime ? savePaneMemory(memoryPath, store.getState().history, bootTime) : null);
  return { store, save };
}

/** An engine and a store that keep their history between looks (a reap looks before and after). */
export function makeLooker(config: Config, ctx: Omit<RunCtx, 'out' | 'err'>, memory: 'off' | 'read' | 'read-write' = 'off') {
  const engine = new Engine(config, { env: ctx.env, cwd: ctx.cwd, extraWorkspaces: ctx.extraWorkspaces });
  const { store, save } = makeStore(config, ctx.env, memory);
  /** Ticks for `sampleMs` (at least one), through the same store the console uses. */
  const look = async (sampleMs = config.sampleMs): Promise<Snapshot> => {
    const start = Date.now();
    for (;;) {
      const t0 = Date.now();
      const raw = await engine.collect(store.getState().history);
      store.getState().ingest(raw, Date.now() - t0);
      if (Date.now() - start >= sampleMs) break;
      await sleep(Math.max(0, Math.min(config.intervalMs - (Date.now() - t0), sampleMs - (Date.now() - start))));
    }
    return store.getState().snapshot!;
  };
  return { engine, store, look, save };
}

export async function takeSnapshot(config: Config, ctx: Omit<RunCtx, 'out' | 'err'>): Promise<Snapshot> {
  // One look for CI reads what earlier runs remembered, and writes nothing.
  return makeLooker(config, ctx, 'read').look();
}

async function runSnapshot(config: Config, ctx: RunCtx): Promise<number> {
  const snap = await takeSnapshot(config, ctx);
  if (config.json) ctx.out.write(JSON.stringify(snap, null, 2) + '\n');
  else {
    const paint = makePaint(colorWanted(ctx.out, ctx.env));
    ctx.out.write(renderSnapshotText(snap, { paint, width: ctx.out.isTTY ? (ctx.out.columns ?? 120) : 160 }));
  }
  if (!snap.tmux.available || snap.tmux.error) {
    ctx.err.write(`orch-top: ${snap.tmux.error ?? 'tmux is not available'}\n`);
    return EXIT.usage;
  }
  return snap.summary.findings > 0 ? EXIT.findings : EXIT.clean;
}
