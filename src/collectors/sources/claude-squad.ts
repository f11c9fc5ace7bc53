// claude-squad (github.com/smtg-ai/claude-squad, read at 434ca256854da28eab7d5126c82394b579221b10):
// ~/.claude-squad/state.json (config/config.go GetConfigDir: os.UserHomeDir, no XDG), written by
// json.MarshalIndent, not atomically. `instances[]` (session/storage.go InstanceData): title, path,
// status (session/instance.go: Running=0 Ready=1 Loading=2 Paused=3), program, created_at,
// updated_at. Sessions are `claudesquad_` + the title without whitespace (Go `\s`: [\t\n\f\r ]), "."
// → "_" (session/tmux/tmux.go toClaudeSquadTmuxName), on the default server (plain `tmux`, no -L/-S).
// It saves only started instances (SaveInstances keeps `instance.Started()`, called after a start),
// so a session it does not know yet is an orphan only past the grace. Paused keeps the session
// running (Pause detaches only), and on load it re-attaches every row that is not paused, so no
// status of its is terminal and a closed TUI orphans nothing it knows. Owner: `cs`/`claude-squad`.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentState, RegistryAgent } from '../../model/types.js';
import { homeOf, managerAgent, readJsonState, text } from './manager-common.js';
import type { AgentStateSource } from './source.js';

export const CLAUDE_SQUAD_PREFIX = 'claudesquad_';
const STATUS_WORDS = ['running', 'ready', 'loading', 'paused'];

/** toClaudeSquadTmuxName: Go's `\s` is [\t\n\f\r ], not JavaScript's wider class. */
export function claudeSquadSessionName(title: string): string {
  return CLAUDE_SQUAD_PREFIX + title.replace(/[\t\n\f\r ]+/g, '').replaceAll('.', '_');
}

export function claudeSquadState(status: string): AgentState {
  return STATUS_WORDS.includes(status) ? 'active' : 'unknown';
}

function agentsOf(file: string, data: unknown): { agents: RegistryAgent[]; error: string | null } {
  const list = (data as { instances?: unknown } | null)?.instances;
  if (typeof data !== 'object' || data === null || !Array.isArray(list)) return { agents: [], error: `${file}: no instances list (format not recognised)` };
  const agents: RegistryAgent[] = [];
  for (const r of list as Record<string, unknown>[]) {
    const title = text(r?.title);
    if (!title) continue;
    const n = r.status;
    const status = typeof n === 'number' && Number.isInteger(n) ? (STATUS_WORDS[n] ?? `status ${n}`) : 'unknown';
    agents.push({
      ...managerAgent('claude-squad', file, {
        agentId: title,
        status,
        tmuxSession: claudeSquadSessionName(title),
        type: text(r.program),
        startedAt: text(r.created_at),
        lastUpdate: text(r.updated_at),
        description: text(r.path),
        tmuxSocket: 'default',
      }),
      state: claudeSquadState(status),
    });
  }
  return { agents, error: null };
}

export const claudeSquad: AgentStateSource = {
  name: 'claude-squad',
  manager: 'claude-squad',
  precedence: 1,
  claim: {
    manager: 'claude-squad',
    prefixes: [CLAUDE_SQUAD_PREFIX],
    sockets: ['default'],
    patterns: [],
    ownerPrograms: ['cs', 'claude-squad'],
    unknownOrphans: true,
    deadPanesOrphan: true,
    neverOrphan: [],
    auxPrefixes: [],
    // Saved only once started, deleted on kill; on load it attaches every row not paused, and fails
    // when one's session is missing. Paused keeps or loses its session; loading is a start: unclear.
    liveStatuses: ['running', 'ready'],
  },
  find(ctx) {
    const dir = join(homeOf(ctx), '.claude-squad');
    return { refs: existsSync(join(dir, 'state.json')) ? [{ path: dir, how: 'home', project: 'claude-squad' }] : [], errors: [] };
  },
  normalise: claudeSquadState,
  async read(dir) {
    const file = join(dir, 'state.json');
    const r = readJsonState(file);
    if ('missing' in r) return { present: false, readOk: false, agents: [], project: null, errors: [] };
    if ('error' in r) return { present: true, readOk: false, agents: [], project: null, errors: [r.error] };
    const { agents, error } = agentsOf(file, r.value);
    return { present: true, readOk: !error, agents, project: null, errors: error ? [error] : [] };
  },
};
