// What the agent managers' sources share: where a user's home is, one manager record → RegistryAgent,
// and reading a JSON state file read-only with a size cap. Read-only; nothing here throws.

import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentSource, RegistryAgent } from '../../model/types.js';
import { MiB, readRegularFile } from '../regular-file.js';
import type { FindContext, Found } from './source.js';

export const homeOf = (ctx: FindContext): string => ctx.home ?? ctx.env.HOME ?? homedir();

/** An absolute $XDG_… value, else the default under home (the XDG spec ignores relative values). */
export function xdgDir(ctx: FindContext, key: 'XDG_DATA_HOME' | 'XDG_CONFIG_HOME', fallback: string[]): string {
  const v = ctx.env[key];
  return v?.startsWith('/') ? v : [homeOf(ctx), ...fallback].join('/');
}

/** A manager's profiles: every folder under `root` that holds `file`, by name (none when `root` is not there). */
export function profilesUnder(root: string, file: string, manager: string): Found {
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    return { refs: [], errors: [] };
  }
  const refs = names.filter((n) => existsSync(join(root, n, file))).map((n) => ({ path: join(root, n), how: 'home' as const, project: `${manager}/${n}` }));
  return { refs, errors: [] };
}

export const text = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);

export function managerAgent(
  source: AgentSource,
  file: string,
  r: {
    agentId: string;
    status: string;
    tmuxSession: string | null;
    type?: string | null;
    startedAt?: string | null;
    lastUpdate?: string | null;
    tmuxSocket?: string;
    description?: string | null;
  },
): RegistryAgent {
  return {
    agentId: r.agentId,
    taskId: null,
    type: r.type ?? null,
    status: r.status,
    tmuxSession: r.tmuxSession,
    parent: null,
    startedAt: r.startedAt ?? null,
    lastUpdate: r.lastUpdate ?? null,
    completedAt: null,
    taskDescription: r.description ?? null,
    source,
    file,
    claudePid: null,
    cursorPid: null,
    ...(r.tmuxSocket !== undefined ? { tmuxSocket: r.tmuxSocket } : {}),
  };
}

/** A manager's state files are small (claude-squad's may hold diffs): 32 MiB is far past any real one. */
const STATE_MAX_BYTES = 32 * MiB;

/** The parsed JSON of a state file; `missing`, or one line starting with the path. */
export function readJsonState(path: string): { value: unknown } | { missing: true } | { error: string } {
  const read = readRegularFile(path, STATE_MAX_BYTES);
  if ('missing' in read) return read;
  if ('error' in read) return { error: `${path}: ${read.error}` };
  try {
    return { value: JSON.parse(read.text) };
  } catch (e) {
    return { error: `${path}: not valid JSON (${(e as Error).message.split('\n')[0]})` };
  }
}
