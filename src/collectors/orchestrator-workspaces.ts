// Where the reference orchestrator keeps its state: which workspaces to read (its sources' `find`).
// `--workspace` flags replace discovery; otherwise, in this order and deduplicated by real path: every
// active workspace the orchestrator's global registry (~/.claude-orchestrator/global_registry.sqlite3)
// lists, even one that is gone (so it is reported), $CLAUDE_ORCHESTRATOR_WORKSPACE,
// ~/.claude-orchestrator/workspaces and ./.agent-workspace when they exist. Read-only; reads no
// workspace itself (the sources do).

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { realpathOr } from '../files.js';
import { readGlobalRegistry } from './registry-sqlite.js';
import type { FindContext, Found, WorkspaceRef } from './sources/source.js';

export type DiscoverOptions = FindContext;

/** The workspaces to watch, and one line per index that could not be read (the global registry). */
export function discoverWorkspaces(opts: DiscoverOptions): Found {
  const out: WorkspaceRef[] = [];
  const errors: string[] = [];
  if (opts.flags.length) out.push(...opts.flags.map((p) => ({ path: resolve(opts.cwd, p), how: 'flag' as const })));
  else {
    const home = opts.home ?? opts.env.HOME ?? homedir();
    const global = readGlobalRegistry(home);
    if (global.error) errors.push(`global registry ${global.error}`);
    for (const w of global.workspaces) if (w.active) out.push({ path: resolve(opts.cwd, w.path), how: 'global-registry', project: w.project });
    const env = opts.env.CLAUDE_ORCHESTRATOR_WORKSPACE;
    if (env && existsSync(resolve(opts.cwd, env))) out.push({ path: resolve(opts.cwd, env), how: 'env' });
    const inHome = join(home, '.claude-orchestrator', 'workspaces');
    if (existsSync(inHome)) out.push({ path: inHome, how: 'home' });
    const local = join(opts.cwd, '.agent-workspace');
    if (existsSync(local)) out.push({ path: local, how: 'cwd' });
  }
  const seen = new Set<string>();
  const refs = out.filter((w) => {
    const real = realpathOr(w.path); // a gone one is kept: it is reported when read
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
  return { refs, errors };
}
