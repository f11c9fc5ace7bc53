// Ghost agents: the registry says an agent is active but tmux has no such session (a stale
// registry). Only judged when tmux answered: a server that could not be asked hides nothing, and the
// session may be on any server watched (a server that failed might hold it). An agent manager's
// agent is a ghost only where its state clearly says its session is live now (its claim's
// liveStatuses) and the server its state names answered without it (or, every server watched, has no
// socket at all); a status whose meaning is unclear, or a server not asked, makes no ghost. Pure.

import { agentState, type RegistryIndex } from './registry-index.js';
import type { ManagerRules } from './sources.js';
import type { GhostView, TmuxState } from './types.js';

/** One watched server as the managers' ghosts need it: its -L name ('default' for tmux's default). */
export interface GhostServer {
  name: string;
  /** It answered (or no server runs on it) and its answer can be trusted. */
  answered: boolean;
  sessions: ReadonlySet<string>;
}

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
      source: 'orchestrator',
      server: null,
    });
  }
  return ghosts.sort((a, b) => a.agentId.localeCompare(b.agentId));
}

/**
 * The managers' ghosts. `everyServer`: every server of the user's socket directory was watched, so a
 * server the list lacks has no socket and no session; narrowed to one (-L/-S), another is unknown.
 */
export function findManagerGhosts(rules: ManagerRules[], servers: GhostServer[], everyServer: boolean): GhostView[] {
  const byName = new Map(servers.map((s) => [s.name, s]));
  const ghosts: GhostView[] = [];
  for (const r of rules) {
    const live = new Set(r.claim.liveStatuses ?? []);
    for (const [name, e] of r.bySession) {
      const a = e.agent;
      if (!live.has(a.status) || e.ws.error) continue;
      const want = a.tmuxSocket ?? null;
      const srv = want === null ? null : byName.get(want);
      // No recorded server: it may be on any of them; one that did not answer might hold it.
      const absent =
        want === null
          ? servers.length > 0 && servers.every((s) => s.answered && !s.sessions.has(name))
          : srv
            ? srv.answered && !srv.sessions.has(name)
            : everyServer;
      if (!absent) continue;
      ghosts.push({
        agentId: a.agentId,
        taskId: a.taskId,
        tmuxSession: name,
        project: e.ws.project,
        workspace: e.ws.path,
        registryStatus: a.status,
        registrySource: a.source,
        source: r.claim.manager,
        server: want,
      });
    }
  }
  return ghosts.sort((a, b) => a.agentId.localeCompare(b.agentId));
}
