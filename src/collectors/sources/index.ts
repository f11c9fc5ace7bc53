// Every agent-state source orch-top reads, in one list: a new agent manager is one module beside these
// and one line here (its name joins AgentSource in model/types.ts). Order is the order their errors
// are listed in; which record wins is each source's `precedence`.

import { orchestratorJson } from './orchestrator-json.js';
import { orchestratorSqlite } from './orchestrator-sqlite.js';
import type { AgentStateSource } from './source.js';

export const SOURCES: readonly AgentStateSource[] = [orchestratorSqlite, orchestratorJson];

export type { AgentStateSource, FindContext, Found, SourceRead, WorkspaceRef } from './source.js';
