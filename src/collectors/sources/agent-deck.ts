// agent-deck (github.com/asheshgoplani/agent-deck, read at 47bb210373c87aa1a90f2a319acf9174ea4b3dae):
// SQLite (WAL) <dataRoot>/profiles/<profile>/state.db (internal/agentpaths/paths.go
// EffectiveDataDir: $XDG_DATA_HOME/agent-deck when it holds `profiles` or `sessions.json`, else the
// legacy ~/.agent-deck when it does, else the XDG path). Table `instances` (internal/statedb/statedb.go
// Migrate; columns picked by name: old databases add them by ALTER TABLE): id, title, tool, status,
// tmux_session (the full name, `agentdeck_<title, runs of [^A-Za-z0-9-] → "-">_<8 hex>`,
// internal/tmux/tmux.go), tmux_socket_name ("" = the default server; every command is
// `tmux -u [-L name]`), created_at (Unix seconds). Status words (internal/session/instance.go):
// `stopped` is set by killInternal right after its own kill: terminal. `error` also means "an error
// banner in a live pane": its meaning is unclear, so it is never terminal here; running, waiting,
// idle, starting, queued are active. It keeps rows across restarts of its TUI, so a closed TUI orphans
// nothing. Read as registry-sqlite.ts reads (read-only, not `immutable`, which would skip the WAL).
// Its commands carry AGENTDECK_INSTANCE_ID=<id> in their environment (set-environment on the session
// and exported on the command line): the mark that ties a leftover to its instance (model/leaks.ts).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentState, RegistryAgent } from '../../model/types.js';
import { columnsOf, pick, SchemaError, withDb } from '../registry-sqlite.js';
import { homeOf, managerAgent, profilesUnder, text, xdgDir } from './manager-common.js';
import type { AgentStateSource, FindContext, Found } from './source.js';

export const AGENT_DECK_PREFIX = 'agentdeck_';
const ACTIVE = new Set(['running', 'waiting', 'idle', 'starting', 'queued']);

export function agentDeckState(status: string): AgentState {
  if (status === 'stopped') return 'terminal';
  return ACTIVE.has(status) ? 'active' : 'unknown';
}

/** EffectiveDataDir("profiles", "sessions.json"). */
export function agentDeckDataRoot(ctx: FindContext): string {
  const xdg = join(xdgDir(ctx, 'XDG_DATA_HOME', ['.local', 'share']), 'agent-deck');
  const has = (d: string) => existsSync(join(d, 'profiles')) || existsSync(join(d, 'sessions.json'));
  if (has(xdg)) return xdg;
  const legacy = join(homeOf(ctx), '.agent-deck');
  return has(legacy) ? legacy : xdg;
}

function findProfiles(ctx: FindContext): Found {
  return profilesUnder(join(agentDeckDataRoot(ctx), 'profiles'), 'state.db', 'agent-deck');
}

const secondsToIso = (v: unknown): string | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? new Date(v * 1000).toISOString() : null);

/** The profile's instances, or throws one line starting with the path. */
function readProfile(file: string): RegistryAgent[] {
  const r = withDb(file, (db) => {
    const c = columnsOf(db, 'instances');
    if (!c.has('id')) throw new SchemaError(c.size ? 'instances table has no id column (schema not recognised)' : 'no instances table (schema not recognised)');
    const cols = ['title', 'tool', 'status', 'tmux_session', 'tmux_socket_name', 'created_at'];
    return db.prepare(`SELECT i."id" AS "id", ${cols.map((k) => pick(c, 'i', k)).join(', ')} FROM "instances" AS i ORDER BY i."id"`).all() as Record<
      string,
      unknown
    >[];
  });
  if ('absent' in r) return [];
  if ('error' in r) throw new Error(r.error);
  return r.value.flatMap((row) => {
    const id = text(row.id);
    if (!id) return [];
    const status = text(row.status) ?? 'error'; // the column's default
    const agent = managerAgent('agent-deck', file, {
      agentId: id,
      status,
      tmuxSession: text(row.tmux_session),
      type: text(row.tool),
      startedAt: secondsToIso(row.created_at),
      description: text(row.title),
      tmuxSocket: text(row.tmux_socket_name) ?? 'default',
    });
    return [{ ...agent, state: agentDeckState(status) }];
  });
}

export const agentDeck: AgentStateSource = {
  name: 'agent-deck',
  manager: 'agent-deck',
  precedence: 1,
  claim: {
    manager: 'agent-deck',
    prefixes: [AGENT_DECK_PREFIX],
    sockets: null,
    patterns: [],
    ownerPrograms: ['agent-deck'],
    unknownOrphans: true,
    deadPanesOrphan: true,
    neverOrphan: [],
    auxPrefixes: [],
    // Set from tmux's own answers while its session runs. `idle` is not: a row added and never started
    // (neverStarted: idle, a tmux_session name, no session) is saved too. error/starting/queued: unclear.
    liveStatuses: ['running', 'waiting'],
  },
  find: findProfiles,
  normalise: agentDeckState,
  async read(dir) {
    const file = join(dir, 'state.db');
    if (!existsSync(file)) return { present: false, readOk: false, agents: [], project: null, errors: [] };
    try {
      return { present: true, readOk: true, agents: readProfile(file), project: null, errors: [] };
    } catch (e) {
      return { present: true, readOk: false, agents: [], project: null, errors: [(e as Error).message] };
    }
  },
};
