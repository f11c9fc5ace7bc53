// The command line: picks the mode, wires engine → store → view, and turns outcomes into exit codes
// (0 clean, 1 findings, 2 usage/config/environment, 3 an incomplete look). Every mode uses the same
// engine and store (cli/looker.ts); each mode is a module of its own, imported when chosen, so a mode
// loads only what it needs (--snapshot and --reap: no ink or react; the SQLite driver only when a
// state file exists).

import { version } from '../version.js';
import { parseCli, HELP, UsageError, type Config } from '../config.js';
import type { WorkspaceHow } from '../model/types.js';
import { inert } from '../render/inert.js';
import { EXIT, type Io, type RunCtx } from './io.js';

/** How long `--demo --snapshot` watches by default: enough ticks for the descriptor trend. */
const DEMO_SAMPLE_MS = 3_000;
const DEMO_INTERVAL_MS = 500;

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
      err.write(`orch-top: ${inert(e.message)}\n`);
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
  const demo = config.demo ? await startDemoFor(config, err) : { extraWorkspaces: [], stop: null, stateHome: null, afterFirstLook: undefined };
  if (demo === null) return EXIT.usage;
  // The demo's acts go to its sandbox's state (audit log, pane memory), not the user's real one.
  const ctx: RunCtx = {
    out,
    err,
    env: demo.stateHome ? { ...env, XDG_STATE_HOME: demo.stateHome } : env,
    cwd,
    extraWorkspaces: demo.extraWorkspaces,
    ...(demo.afterFirstLook ? { afterFirstLook: demo.afterFirstLook } : {}),
  };
  try {
    return await runMode(config, ctx, io.stdin ?? process.stdin, argv);
  } finally {
    if (demo.stop) {
      err.write('orch-top: tearing the demo down…\n');
      await demo.stop();
    }
  }
}

async function runMode(config: Config, ctx: RunCtx, stdin: NodeJS.ReadStream, argv: string[]): Promise<number> {
  // --serve re-reads its config on SIGHUP with the same flags.
  if (config.mode === 'serve') return (await import('./serve.js')).runServe(config, ctx, argv);
  if (config.mode === 'report') return (await import('./report.js')).runReport(config, ctx);
  if (config.mode === 'reap' || config.mode === 'shutdown') return (await import('./cleanup.js')).runCleanup(config, ctx);
  if (config.mode === 'snapshot') return (await import('./snapshot.js')).runSnapshot(config, ctx);
  if (config.mode === 'metrics') return (await import('./metrics.js')).runMetrics(config, ctx);
  if (config.mode === 'mcp') return (await import('./mcp.js')).runMcp(config, ctx, stdin);
  return (await import('./console.js')).runConsole(config, { ...ctx, stdin, title: config.demo ? 'orch-top demo' : 'orch-top' });
}

/**
 * `--demo`: starts the sandbox and points the config at it (its server, orchestrator, prefix and
 * workspaces). Null when it could not start (said on stderr).
 */
async function startDemoFor(
  config: Config,
  err: Io['stderr'],
): Promise<{ extraWorkspaces: { path: string; how: WorkspaceHow }[]; stop: () => Promise<void>; stateHome: string; afterFirstLook: () => void } | null> {
  const { startDemo, installDemoCleanup } = await import('../demo/sandbox.js');
  err.write('orch-top: starting the demo sandbox (private tmux socket, temporary workspace)…\n');
  let demo;
  try {
    demo = await startDemo({ log: (l) => err.write(`  ${l}\n`) });
  } catch (e) {
    err.write(`orch-top: the demo could not start: ${inert((e as Error).message)}\n`);
    return null;
  }
  installDemoCleanup(demo);
  for (const n of demo.notes) err.write(`  note: ${n}\n`);
  config.server = demo.server;
  config.orchestratorPid = demo.orchestratorPid;
  config.pidfile = null;
  config.prefixes = [...new Set([...config.prefixes, demo.prefix])];
  if (!config.sampleGiven) {
    config.sampleMs = DEMO_SAMPLE_MS;
    config.intervalMs = Math.min(config.intervalMs, DEMO_INTERVAL_MS);
  }
  const extraWorkspaces = config.workspaces.length === 0 ? demo.workspaces.map((path) => ({ path, how: 'demo' as const })) : [];
  err.write(`  state (audit log, pane memory): ${demo.stateHome}/orch-top${config.auditLog ? `; audit log ${config.auditLog}` : ''}\n`);
  // The crashed agent crashes once orch-top has looked, so it is seen alive, then seen leaking.
  return { extraWorkspaces, stop: () => demo.stop(), stateHome: demo.stateHome, afterFirstLook: () => void demo.crash() };
}
