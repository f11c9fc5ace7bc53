// Every agent-state source orch-top reads, in one list: a new agent manager is one module beside these
// and one line here (its name joins AgentSource and ManagerName in model/types.ts). Order is the order
// their errors are listed in, and which manager is named first when two claim one session; which
// record wins inside one manager is each source's `precedence`.

import { agentDeck } from './agent-deck.js';
import { agentOfEmpires } from './agent-of-empires.js';
import { claudeSquad } from './claude-squad.js';
import { gastown } from './gastown.js';
import { orchestratorJson } from './orchestrator-json.js';
import { orchestratorSqlite } from './orchestrator-sqlite.js';
import type { AgentStateSource } from './source.js';

export const SOURCES: readonly AgentStateSource[] = [orchestratorSqlite, orchestratorJson, claudeSquad, agentDeck, gastown, agentOfEmpires];

/** What --source takes: each manager once, in SOURCES order. */
export const MANAGER_NAMES = [...new Set(SOURCES.map((s) => s.manager))];

export type { AgentStateSource, FindContext, Found, SourceRead, WorkspaceRef } from './source.js';
