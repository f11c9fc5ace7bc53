// One agent record as either registry stores it (a JSON object, or a SQLite row under the same column
// names: the orchestrator used the same field names in both) → RegistryAgent. Plain data, no I/O.

import type { AgentSource, RegistryAgent } from '../model/types.js';

export const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);
/** A positive integer (a recorded pid), else null: 0, negatives and strings are "not recorded". */
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

export function registryAgent(agentId: string, r: Record<string, unknown>, source: AgentSource, file: string, taskDescription: string | null): RegistryAgent {
  return {
    agentId,
    taskId: str(r.task_id),
    type: str(r.type),
    status: str(r.status) ?? 'unknown',
    tmuxSession: str(r.tmux_session),
    parent: str(r.parent),
    startedAt: str(r.started_at),
    lastUpdate: str(r.last_update),
    completedAt: str(r.completed_at) ?? str(r.terminated_at),
    taskDescription,
    source,
    file,
    claudePid: int(r.claude_pid),
    cursorPid: int(r.cursor_pid),
  };
}
