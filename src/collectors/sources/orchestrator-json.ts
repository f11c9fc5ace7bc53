// The reference orchestrator's JSON registries (versions up to early 2026): registry/GLOBAL_REGISTRY.json
// and TASK-*/AGENT_REGISTRY.json (the reader: collectors/registry-json.ts).

import { readJsonRegistry } from '../registry-json.js';
import { findOrchestratorWorkspaces, orchestratorState } from './orchestrator.js';
import type { AgentStateSource } from './source.js';

export const orchestratorJson: AgentStateSource = {
  name: 'json',
  manager: 'orchestrator',
  precedence: 1,
  find: findOrchestratorWorkspaces,
  normalise: orchestratorState,
  async read(workspace) {
    const j = await readJsonRegistry(workspace);
    return {
      present: j.filesRead > 0 || j.errors.length > 0,
      readOk: j.filesRead > 0,
      agents: j.agents.map((a) => ({ ...a, state: orchestratorState(a.status) })),
      project: j.project,
      errors: j.errors,
    };
  },
};
