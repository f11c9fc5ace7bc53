// Which orchestrator workspaces to read, and reading one. `--workspace` flags replace discovery;
// otherwise $CLAUDE_ORCHESTRATOR_WORKSPACE and ./.agent-workspace when they exist. A workspace that is
// gone or unreadable is reported on its own line; the others still load. Read-only.

import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WorkspaceHow, WorkspaceState } from '../model/types.js';
import { projectOf, readJsonRegistry } from './registry-json.js';

export interface WorkspaceRef {
  path: string;
  how: WorkspaceHow;
}

export function resolveWorkspaces(opts: { flags: string[]; env: NodeJS.ProcessEnv; cwd: string }): WorkspaceRef[] {
  const out: WorkspaceRef[] = [];
  if (opts.flags.length) out.push(...opts.flags.map((p) => ({ path: resolve(opts.cwd, p), how: 'flag' as const })));
  else {
    const env = opts.env.CLAUDE_ORCHESTRATOR_WORKSPACE;
    if (env && existsSync(resolve(opts.cwd, env))) out.push({ path: resolve(opts.cwd, env), how: 'env' });
    const local = join(opts.cwd, '.agent-workspace');
    if (existsSync(local)) out.push({ path: local, how: 'cwd' });
  }
  const seen = new Set<string>();
  return out.filter((w) => {
    let real = w.path;
    try {
      real = realpathSync(w.path);
    } catch {
      /* gone: keep it, it is reported when read */
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

export async function readWorkspace(ws: WorkspaceRef): Promise<WorkspaceState> {
  const base = { path: ws.path, how: ws.how, project: projectOf(ws.path) };
  try {
    if (!statSync(ws.path).isDirectory()) return { ...base, readable: false, error: `workspace ${ws.path}: is not a directory`, agents: [] };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ...base, readable: false, error: `workspace ${ws.path}: ${code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, agents: [] };
  }
  const json = await readJsonRegistry(ws.path);
  return {
    ...base,
    project: json.project ?? base.project,
    readable: json.errors.length === 0 || json.filesRead > 0,
    error: json.errors.length ? json.errors.join('; ') : null,
    agents: json.agents,
  };
}
