// The command line: picks the mode, wires engine → store → view, and turns outcomes into exit codes
// (0 clean, 1 findings, 2 usage/config/environment). Every mode uses the same engine and store.

import { version } from '../version.js';
import { parseCli, HELP, UsageError, type Config } from '../config.js';
import { Engine, classifyConfigOf } from '../engine.js';
import { ProcReader } from '../collectors/procfs.js';
import { workerCollector } from '../collector.js';
import type { Snapshot, WorkspaceHow } from '../model/types.js';
import { createAppStore } from '../store/store.js';
import { emptyHistory } from '../model/classify.js';
import { loadPaneMemory, paneMemoryPath, savePaneMemory } from '../store/pane-memory.js';
import { startPoller } from '../store/poller.js';
import { renderSnapshotText, renderProcessesText } from '../render/text.js';
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
  if (config.mode === 'console' && !(out as NodeJS.WriteStream).isTTY) {
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
      : await runLivePlain(config, { out: out as NodeJS.WriteStream, stdin: io.stdin ?? process.stdin, env, cwd, extraWorkspaces });
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

/**
 * A plain live view (redrawn tables) until the Ink console lands: q or Ctrl-C quits. It uses the
 * poller and store exactly as the console will.
 */
async function runLivePlain(
  config: Config,
  ctx: { out: NodeJS.WriteStream; stdin: NodeJS.ReadStream; env: NodeJS.ProcessEnv; cwd: string; extraWorkspaces: { path: string; how: WorkspaceHow }[] },
): Promise<number> {
  // Collect in a worker thread: the screen and the keys never wait for /proc.
  const collector = workerCollector(config, { env: ctx.env, cwd: ctx.cwd, extraWorkspaces: ctx.extraWorkspaces });
  // The panes earlier runs saw, so what they left is traced from the first tick; saved again on quit.
  const { store, save } = makeStore(config, ctx.env, 'read-write');
  const paint = makePaint(colorWanted(ctx.out, ctx.env));
  const draw = () => {
    const s = store.getState();
    if (!s.snapshot) return;
    const width = ctx.out.columns ?? 120;
    const rows = ctx.out.rows ?? 40;
    const t = s.tick;
    const status = `tick ${t.count} · ${t.durationMs ?? '-'} ms · every ${s.intervalMs} ms${t.slow ? ` · ${t.slow} slow` : ''}${t.error ? ` · ${t.error}` : ''} · q quits`;
    const body = (renderSnapshotText(s.snapshot, { paint, width, now: Date.now(), summaryFirst: true }) + 'PROCESSES\n' + renderProcessesText(s.snapshot, { paint, width })).split('\n');
    // Fit the screen: a live view must not scroll its header away.
    const fit = body.length > rows - 1 ? [...body.slice(0, rows - 2), paint('dim', `… ${body.length - (rows - 2)} more lines (orch-top --snapshot prints everything)`)] : body;
    ctx.out.write('\u001b[H\u001b[2J' + fit.join('\n') + '\n' + paint('dim', status));
  };
  const unsubscribe = store.subscribe(draw);
  const poller = startPoller(store, () => collector.collect(store.getState().history));
  ctx.out.write('\u001b[?1049h\u001b[?25l');
  await new Promise<void>((resolve) => {
    const onKey = (b: Buffer) => {
      const k = b.toString();
      if (k === 'q' || k === '\u0003' || k === '\u001b') finish();
    };
    const finish = () => {
      ctx.stdin.off('data', onKey);
      process.off('SIGTERM', finish);
      process.off('SIGHUP', finish);
      if (ctx.stdin.isTTY) ctx.stdin.setRawMode(false);
      ctx.stdin.pause();
      resolve();
    };
    if (ctx.stdin.isTTY) ctx.stdin.setRawMode(true);
    ctx.stdin.on('data', onKey);
    ctx.stdin.resume();
    process.once('SIGTERM', finish);
    process.once('SIGHUP', finish);
  });
  unsubscribe();
  await poller.stop();
  await collector.close();
  save();
  ctx.out.write('\u001b[?25h\u001b[?1049l');
  const snap = store.getState().snapshot;
  return snap && snap.summary.findings > 0 ? EXIT.findings : EXIT.clean;
}
