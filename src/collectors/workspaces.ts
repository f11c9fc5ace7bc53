// Which orchestrator workspaces to read, and reading one. `--workspace` flags replace discovery;
// otherwise, in this order and deduplicated by real path: every active workspace the orchestrator's
// global registry (~/.claude-orchestrator/global_registry.sqlite3) lists, even one that is gone (so it
// is reported), $CLAUDE_ORCHESTRATOR_WORKSPACE, ~/.claude-orchestrator/workspaces and
// ./.agent-workspace when they exist. A workspace is read from both its SQLite state and its JSON
// registries; one that is gone or unreadable is reported on its own line, the others still load.
// Read-only.

import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { RegistryAgent, WorkspaceHow, WorkspaceState } from '../model/types.js';
import { fsReason, realpathOr } from '../files.js';
import { projectOf, readJsonRegistry } from './registry-json.js';
import { readGlobalRegistry, readSqliteState } from './registry-sqlite.js';

export interface WorkspaceRef {
  path: string;
  how: WorkspaceHow;
  /** The project name the global registry records for it, when it came from there. */
  project?: string | null;
}

export interface DiscoverOptions {
  flags: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where ~/.claude-orchestrator lives; defaults to $HOME, else the OS's home directory. */
  home?: string;
}

/** The workspaces to watch, and one line per source that could not be read (the global registry). */
export function discoverWorkspaces(opts: DiscoverOptions): { refs: WorkspaceRef[]; errors: string[] } {
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

export async function readWorkspace(ws: WorkspaceRef): Promise<WorkspaceState> {
  const base = { path: ws.path, realPath: realpathOr(ws.path), how: ws.how, project: ws.project ?? projectOf(ws.path) };
  try {
    if (!statSync(ws.path).isDirectory()) return { ...base, readable: false, error: `workspace ${ws.path}: is not a directory`, agents: [] };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ...base, readable: false, gone: code === 'ENOENT', error: `workspace ${ws.path}: ${fsReason(e)}`, agents: [] };
  }
  const sqlite = readSqliteState(ws.path);
  const json = await readJsonRegistry(ws.path);
  // One agent in both: the SQLite state wins (it is what the orchestrator writes now).
  const byId = new Map<string, RegistryAgent>();
  for (const a of json.agents) byId.set(a.agentId, a);
  for (const a of sqlite.agents) byId.set(a.agentId, a);
  const errors = [...(sqlite.error ? [sqlite.error] : []), ...json.errors];
  return {
    ...base,
    // <project>/.agent-workspace names its project; a workspace elsewhere (CLAUDE_ORCHESTRATOR_WORKSPACE)
    // is named by the client_cwd its tasks record.
    project: ws.project ?? (/^\.?agent-workspace$/.test(basename(ws.path)) ? projectOf(ws.path) : (sqlite.project ?? json.project ?? projectOf(ws.path))),
    // Readable: a source was read, or nothing failed (a workspace with no registry yet).
    readable: (sqlite.present && !sqlite.error) || json.filesRead > 0 || errors.length === 0,
    error: errors.length ? errors.join('; ') : null,
    agents: [...byId.values()].sort((a, b) => a.agentId.localeCompare(b.agentId)),
  };
}
