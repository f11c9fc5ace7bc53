// STUB for issue 16 item 2 (M1 writes the real module; the lead takes M1's file at the merge). Only
// the signatures the MCP server (src/mcp) uses: spawnRoom (can_spawn), Limits and parseLimits. No
// limit is known here, so one more agent always fits and no room is counted. Pure.

import type { Snapshot } from './types.js';

/** The limits of a config file (the real module has per-agent and per-project keys). */
export type Limits = Record<string, never>;

/** Whether one more agent fits the limits of its project, and how much room is left. */
export interface SpawnRoom {
  allowed: boolean;
  project: string | null;
  agents: number;
  maxAgents: number | null;
  room: number | null;
  reasons: string[];
}

/** The limits from a config file's value; `where` names it in a UsageError. The stub knows none. */
export function parseLimits(_raw: unknown, _where: string): Limits {
  return {};
}

/** One more agent of `project` (null: any project) against the limits: the stub always allows. */
export function spawnRoom(snap: Snapshot, _limits: Limits, project: string | null): SpawnRoom {
  const agents = snap.sessions.filter((s) => s.status === 'active' && (project === null || s.project === project)).length;
  return { allowed: true, project, agents, maxAgents: null, room: null, reasons: [] };
}
