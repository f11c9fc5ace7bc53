// What the reference orchestrator's two sources (its SQLite state and its older JSON registries)
// share: where its workspaces are, and its status words. Pure but for `find` (which reads the
// orchestrator's index of projects).

import { ACTIVE_STATUSES, TERMINAL_STATUSES } from '../../model/classify.js';
import type { AgentState } from '../../model/types.js';
import { discoverWorkspaces } from '../orchestrator-workspaces.js';

export const findOrchestratorWorkspaces = discoverWorkspaces;

/** running/working/blocked/reviewing are active; completed/failed/… terminal; any other word unknown. */
export function orchestratorState(status: string): AgentState {
  if (ACTIVE_STATUSES.has(status)) return 'active';
  if (TERMINAL_STATUSES.has(status)) return 'terminal';
  return 'unknown';
}
