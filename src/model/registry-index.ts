// The agents the registries name, indexed by id and by session name, and the status vocabulary:
// whether an agent is active, terminal or neither. Everything asks agentState(agent), so a source
// that normalises its own words changes one line here. Pure.

import type { AgentRef, AgentState, RegistryAgent, WorkspaceState } from './types.js';

export const ACTIVE_STATUSES = new Set(['running', 'working', 'blocked', 'reviewing']);
export const TERMINAL_STATUSES = new Set(['completed', 'terminated', 'error', 'failed', 'killed', 'phase_completed']);

export type { AgentState } from './types.js';

/** What an agent's status means: the source's own normalisation when it gave one, else the reference
 *  orchestrator's words (the raw word stays in `agent.status`). */
export function agentState(agent: Pick<RegistryAgent, 'status' | 'state'>): AgentState {
  if (agent.state) return agent.state;
  if (ACTIVE_STATUSES.has(agent.status)) return 'active';
  if (TERMINAL_STATUSES.has(agent.status)) return 'terminal';
  return 'unknown';
}

export interface RegistryEntry {
  agent: RegistryAgent;
  ws: WorkspaceState;
}

export interface RegistryIndex {
  bySession: Map<string, RegistryEntry>;
  byId: Map<string, RegistryEntry>;
}

/**
 * The reference orchestrator's agents by session name and by id; SQLite beats JSON where both name an
 * agent, else the first workspace wins. An agent manager's places (those with a claim) are judged by
 * model/sources.ts, not here: their agents are no orchestrator's, and no ghost of its.
 */
export function indexRegistry(workspaces: WorkspaceState[]): RegistryIndex {
  const byId = new Map<string, RegistryEntry>();
  for (const ws of workspaces) {
    if (ws.claim) continue;
    for (const agent of ws.agents) {
      const prev = byId.get(agent.agentId);
      if (!prev || (prev.agent.source === 'json' && agent.source === 'sqlite')) byId.set(agent.agentId, { agent, ws });
    }
  }
  const bySession = new Map<string, RegistryEntry>();
  for (const e of byId.values()) if (e.agent.tmuxSession && !bySession.has(e.agent.tmuxSession)) bySession.set(e.agent.tmuxSession, e);
  return { bySession, byId };
}

/** A workspace that is gone hides nothing; one read in part (an error) might. The orchestrator's
 *  places only unless `all`: a manager's unreadable state says nothing of the orchestrator's agents. */
export function registryWhole(workspaces: WorkspaceState[], all = false): boolean {
  return workspaces.every((w) => (!all && w.claim) || !w.error || w.gone);
}

export function agentRef(e: RegistryEntry): AgentRef {
  return {
    agentId: e.agent.agentId,
    taskId: e.agent.taskId,
    type: e.agent.type,
    project: e.ws.project,
    workspace: e.ws.path,
    registryStatus: e.agent.status,
    registrySource: e.agent.source,
    taskDescription: e.agent.taskDescription,
  };
}
