// Ghost agents: the registry says an agent is active but tmux has no such session (a stale
// registry). Only judged when tmux answered: a server that could not be asked hides nothing, and the
// session may be on any server watched (a server that failed might hold it). Pure.

import { agentState, type RegistryIndex } from './registry-index.js';
import type { GhostView, TmuxState } from './types.js';

export function findGhosts(registry: RegistryIndex, liveSessionNames: ReadonlySet<string>, tmux: Pick<TmuxState, 'available' | 'error'>[]): GhostView[] {
  if (!tmux.some((t) => t.available) || tmux.some((t) => t.error)) return [];
  const ghosts: GhostView[] = [];
  for (const e of registry.byId.values()) {
    const a = e.agent;
    if (agentState(a) !== 'active' || !a.tmuxSession || liveSessionNames.has(a.tmuxSession)) continue;
    ghosts.push({
      agentId: a.agentId,
      taskId: a.taskId,
      tmuxSession: a.tmuxSession,
      project: e.ws.project,
      workspace: e.ws.path,
      registryStatus: a.status,
      registrySource: a.source,
    });
  }
  return ghosts.sort((a, b) => a.agentId.localeCompare(b.agentId));
}
