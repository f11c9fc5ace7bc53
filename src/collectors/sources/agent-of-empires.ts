// agent-of-empires (github.com/njbrake/agent-of-empires, read at 2c3f897b67c5ab8fbf9e6f37a876632958c1d939;
// binary `aoe`): <config dir>/agent-of-empires/profiles/<profile>/sessions.json ($XDG_CONFIG_HOME or
// ~/.config on Linux), a JSON array of instances (id: 16 hex, title, status, tool, created_at), written
// atomically. Sessions (src/tmux/session.rs, src/tmux/mod.rs): `aoe_` + the title with every char that
// is not Unicode alphanumeric, `-` or `_` → `_`, cut to 20 chars, + `_` + the id's first 8; companions
// of one agent's session are `aoe_term_`, `aoe_cterm_`, `aoe_tool_` + the same; debug builds use
// `aoe_dev_*` with their state elsewhere (never orphans here). Every call is plain `tmux`: the default
// server. Panes keep remain-on-exit on, so a dead pane is kept on purpose (not an orphan). Which status
// is terminal is not settled by its source (`stopped`, `error` probably): none is taken as terminal.

import { join } from 'node:path';
import type { AgentState, RegistryAgent } from '../../model/types.js';
import { managerAgent, profilesUnder, readJsonState, text, xdgDir } from './manager-common.js';
import type { AgentStateSource, FindContext, Found } from './source.js';

export const AOE_PREFIX = 'aoe_';
const ACTIVE = new Set(['running', 'waiting', 'idle', 'starting', 'creating']);

export function aoeState(status: string): AgentState {
  return ACTIVE.has(status) ? 'active' : 'unknown';
}

/** sanitize_session_name + truncate_id: Rust's char::is_alphanumeric is Unicode Alphabetic or Numeric. */
export function aoeSessionName(title: string, id: string): string {
  const safe = [...title]
    .map((c) => (/^[\p{Alphabetic}\p{N}_-]$/u.test(c) ? c : '_'))
    .slice(0, 20)
    .join('');
  return `${AOE_PREFIX}${safe}_${[...id].slice(0, 8).join('')}`;
}

function findProfiles(ctx: FindContext): Found {
  return profilesUnder(join(xdgDir(ctx, 'XDG_CONFIG_HOME', ['.config']), 'agent-of-empires', 'profiles'), 'sessions.json', 'agent-of-empires');
}

function agentsOf(file: string, data: unknown): RegistryAgent[] | null {
  if (!Array.isArray(data)) return null;
  return (data as Record<string, unknown>[]).flatMap((r) => {
    const id = text(r?.id);
    const title = typeof r?.title === 'string' ? r.title : null;
    if (!id || title === null) return [];
    const status = text(r.status) ?? 'idle'; // serde's default
    return [
      {
        ...managerAgent('agent-of-empires', file, {
          agentId: id,
          status,
          tmuxSession: aoeSessionName(title, id),
          type: text(r.tool),
          startedAt: text(r.created_at),
          description: title,
          tmuxSocket: 'default',
        }),
        state: aoeState(status),
      },
    ];
  });
}

export const agentOfEmpires: AgentStateSource = {
  name: 'agent-of-empires',
  manager: 'agent-of-empires',
  precedence: 1,
  claim: {
    manager: 'agent-of-empires',
    prefixes: [AOE_PREFIX],
    sockets: ['default'],
    patterns: [],
    ownerPrograms: ['aoe'],
    unknownOrphans: true,
    deadPanesOrphan: false,
    neverOrphan: ['^aoe_dev_'],
    auxPrefixes: ['term_', 'cterm_', 'tool_'],
  },
  find: findProfiles,
  normalise: aoeState,
  async read(dir) {
    const file = join(dir, 'sessions.json');
    const r = readJsonState(file);
    if ('missing' in r) return { present: false, readOk: false, agents: [], project: null, errors: [] };
    if ('error' in r) return { present: true, readOk: false, agents: [], project: null, errors: [r.error] };
    const agents = agentsOf(file, r.value);
    if (!agents) return { present: true, readOk: false, agents: [], project: null, errors: [`${file}: not a list of sessions (format not recognised)`] };
    return { present: true, readOk: true, agents, project: null, errors: [] };
  },
};
