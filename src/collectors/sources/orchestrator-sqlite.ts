// The reference orchestrator's state since early 2026: <workspace>/registry/state.sqlite3 (the reader
// and its read discipline: collectors/registry-sqlite.ts). What it names beats the JSON registries.

import { readSqliteState } from '../registry-sqlite.js';
import { findOrchestratorWorkspaces, orchestratorState } from './orchestrator.js';
import type { AgentStateSource } from './source.js';

export const orchestratorSqlite: AgentStateSource = {
  name: 'sqlite',
  manager: 'orchestrator',
  precedence: 2,
  find: findOrchestratorWorkspaces,
  normalise: orchestratorState,
  async read(workspace) {
    const s = readSqliteState(workspace);
    return {
      present: s.present,
      readOk: s.present && !s.error,
      agents: s.agents.map((a) => ({ ...a, state: orchestratorState(a.status) })),
      project: s.project,
      errors: s.error ? [s.error] : [],
    };
  },
};
