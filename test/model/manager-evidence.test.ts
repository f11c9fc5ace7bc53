// Issue 14, the rest, as pure rules. agent-deck's own mark: a gone pane's process whose
// AGENTDECK_INSTANCE_ID names a row of a found agent-deck state, whose session is gone or an orphan,
// is that instance's leftover (and its pane mates with it); an id no state names, an id two profiles
// share, a live active instance's id, or a process older than the instance is no evidence. And the
// managers' ghosts: only where the state clearly says the session is live now, on a server that
// answered without it.
import { describe, expect, it } from 'vitest';
import { agentDeck } from '../../src/collectors/sources/agent-deck.js';
import { claudeSquad } from '../../src/collectors/sources/claude-squad.js';
import { findManagerGhosts, type GhostServer } from '../../src/model/ghosts.js';
import { findLeaks, type LeaksInput } from '../../src/model/leaks.js';
import { indexProcesses } from '../../src/model/process-index.js';
import { indexRegistry } from '../../src/model/registry-index.js';
import { managerRules, markedInstances, type SessionSeen } from '../../src/model/sources.js';
import type { EnvTrace, ProcInfo, RegistryAgent, WorkspaceState } from '../../src/model/types.js';
import { agent, NOW, proc, table, workspace } from './synthetic.js';

const DIR = '/tmp/tmux-0';
const SOCK = `${DIR}/deck`;
const ID = '3f9a1c2e-1755870000';
const GONE = 'agentdeck_fix-auth_a1b2c3d4';

const deckAgent = (id: string, status: string, session: string, over: Partial<RegistryAgent> = {}): RegistryAgent =>
  agent(id, status, {
    tmuxSession: session,
    source: 'agent-deck',
    file: '/data/agent-deck/profiles/default/state.db',
    startedAt: new Date(NOW - 3_600_000).toISOString(),
    tmuxSocket: 'deck',
    state: agentDeck.normalise(status),
    ...over,
  });
const deckState = (agents: RegistryAgent[], path = '/data/agent-deck/profiles/default'): WorkspaceState =>
  workspace(agents, { path, project: 'agent-deck/default', how: 'home', claim: agentDeck.claim! });

const env = (pane: string, id: string | null): EnvTrace => ({
  tmux: `${SOCK},900,0`,
  tmuxPane: pane,
  workspace: null,
  claudeSession: null,
  agentDeckInstance: id,
});

function input(procs: ProcInfo[], envs: [number, EnvTrace][], states: WorkspaceState[], sessions: SessionSeen[] = [], live: string[] = []): LeaksInput {
  const rules = managerRules(states);
  return {
    index: indexProcesses(table(...procs)),
    untouchable: new Set([0, 1, 2]),
    assigned: new Map(),
    orchTree: new Set(),
    env: new Map(envs),
    registry: indexRegistry(states),
    livePanes: new Map(),
    liveSessionNames: new Set(live),
    servers: new Map([[SOCK, { label: '-L deck', serverPid: 900 }]]),
    socketDir: DIR,
    claudeLogs: [],
    marked: markedInstances(rules, sessions, new Set(live)),
    seenPanes: new Map(),
    seenSessions: new Map(),
  };
}

const child = proc(20, 1);
const mate = proc(10, 1);

describe("agent-deck's AGENTDECK_INSTANCE_ID", () => {
  it('ties a gone pane’s process to an instance whose session is gone, and its pane mate with it', () => {
    const f = findLeaks(
      input(
        [mate, child],
        [
          [10, env('%3', null)],
          [20, env('%3', ID)],
        ],
        [deckState([deckAgent(ID, 'waiting', GONE)])],
      ),
    );
    expect(f.leaked.map((l) => [l.pid, l.agentId, l.sessionName, l.server])).toEqual([
      [10, ID, GONE, '-L deck'],
      [20, ID, GONE, '-L deck'],
    ]);
    expect(f.leaked[1]!.reason).toMatch(
      /AGENTDECK_INSTANCE_ID names agent-deck instance 3f9a1c2e-1755870000, whose session agentdeck_fix-auth_a1b2c3d4 is gone/,
    );
    expect(f.strays).toEqual([]);
  });

  it('ties one to an instance whose live session is an orphan, never to a live active one', () => {
    const states = [deckState([deckAgent(ID, 'stopped', GONE)])];
    const orphan = findLeaks(input([child], [[20, env('%3', ID)]], states, [{ name: GONE, source: 'agent-deck', agentId: ID, status: 'orphan' }], [GONE]));
    expect(orphan.leaked.map((l) => l.pid)).toEqual([20]);
    expect(orphan.leaked[0]!.reason).toMatch(/is an orphan$/);
    for (const status of ['active', 'contested']) {
      const f = findLeaks(input([child], [[20, env('%3', ID)]], states, [{ name: GONE, source: 'agent-deck', agentId: ID, status }], [GONE]));
      expect(f.leaked).toEqual([]);
      expect(f.strays.map((s) => s.pid)).toEqual([20]);
    }
    // A live session of that name another source holds: unclear, no evidence.
    const other = findLeaks(input([child], [[20, env('%3', ID)]], states, [{ name: GONE, source: 'claude-squad', agentId: null, status: 'orphan' }], [GONE]));
    expect(other.leaked).toEqual([]);
  });

  it('an id no state names, an id two profiles share, or a process older than the instance is no evidence', () => {
    const states = [deckState([deckAgent(ID, 'waiting', GONE)])];
    const unknown = findLeaks(input([child], [[20, env('%3', 'ffffffff-1755870000')]], states));
    expect(unknown.leaked).toEqual([]);
    expect(unknown.strays.map((s) => s.pid)).toEqual([20]);
    const twice = [
      deckState([deckAgent(ID, 'waiting', GONE)]),
      deckState([deckAgent(ID, 'waiting', 'agentdeck_x_00000000')], '/data/agent-deck/profiles/work'),
    ];
    expect(findLeaks(input([child], [[20, env('%3', ID)]], twice)).leaked).toEqual([]);
    const older = findLeaks(input([proc(20, 1, { startedAt: NOW - 7_200_000 })], [[20, env('%3', ID)]], states));
    expect(older.leaked).toEqual([]);
  });

  it('is not read without a gone pane: a process with no $TMUX carrying the id stays untraced', () => {
    const states = [deckState([deckAgent(ID, 'waiting', GONE)])];
    const f = findLeaks(input([child], [[20, { ...env('%3', ID), tmux: null, tmuxPane: null }]], states));
    expect(f.leaked).toEqual([]);
  });
});

describe("managers' ghosts", () => {
  const server = (name: string, sessions: string[] = [], answered = true): GhostServer => ({ name, answered, sessions: new Set(sessions) });
  const ghostsOf = (agents: RegistryAgent[], servers: GhostServer[], every = true) => findManagerGhosts(managerRules([deckState(agents)]), servers, every);

  it('an agent-deck running or waiting row whose session is not on its answered server is a ghost with its source and server', () => {
    const g = ghostsOf(
      [deckAgent('a-1', 'running', 'agentdeck_a_11111111'), deckAgent('b-2', 'waiting', 'agentdeck_b_22222222')],
      [server('default'), server('deck')],
    );
    expect(g.map((x) => [x.agentId, x.source, x.server, x.registrySource, x.tmuxSession])).toEqual([
      ['a-1', 'agent-deck', 'deck', 'agent-deck', 'agentdeck_a_11111111'],
      ['b-2', 'agent-deck', 'deck', 'agent-deck', 'agentdeck_b_22222222'],
    ]);
  });

  it('no ghost where the status is unclear, the session is there, or its server was not asked', () => {
    const rows = ['idle', 'error', 'starting', 'queued', 'stopped'].map((s, i) => deckAgent(`x-${i}`, s, `agentdeck_x_${i}`));
    expect(ghostsOf(rows, [server('deck')])).toEqual([]);
    const one = [deckAgent('a-1', 'running', 'agentdeck_a_11111111')];
    expect(ghostsOf(one, [server('deck', ['agentdeck_a_11111111'])])).toEqual([]);
    // On another server by the same name: not its server, still a ghost on its own.
    expect(ghostsOf(one, [server('default', ['agentdeck_a_11111111']), server('deck')])).toHaveLength(1);
    expect(ghostsOf(one, [server('deck', [], false)])).toEqual([]);
    // Its server has no socket: with every server watched that is no session; narrowed, unknown.
    expect(ghostsOf(one, [server('default')], true)).toHaveLength(1);
    expect(ghostsOf(one, [server('default')], false)).toEqual([]);
    // A state read in part says nothing.
    expect(findManagerGhosts(managerRules([deckState(one)].map((w) => ({ ...w, error: 'locked' }))), [server('deck')], true)).toEqual([]);
  });

  it('claude-squad: running and ready are live, paused and loading unclear', () => {
    const rows = ['running', 'ready', 'paused', 'loading'].map((s) =>
      agent(`t ${s}`, s, { tmuxSession: `claudesquad_t${s}`, source: 'claude-squad', tmuxSocket: 'default', state: claudeSquad.normalise(s) }),
    );
    const ws = workspace(rows, { path: '/home/u/.claude-squad', how: 'home', claim: claudeSquad.claim! });
    const g = findManagerGhosts(managerRules([ws]), [server('default')], true);
    expect(g.map((x) => [x.agentId, x.source])).toEqual([
      ['t ready', 'claude-squad'],
      ['t running', 'claude-squad'],
    ]);
  });
});
