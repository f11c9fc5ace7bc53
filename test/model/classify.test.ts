// Every classification rule, on synthetic worlds: no tmux, no processes, just the model.
import { describe, expect, it } from 'vitest';
import { advanceHistory, classify, DEFAULT_CLASSIFY, emptyHistory, parseTmuxEnv, type ClassifyConfig, type History } from '../../src/model/classify.js';
import type { EnvTrace, FdCount, ProcInfo, RawWorld, RegistryAgent, TmuxPane, WorkspaceState } from '../../src/model/types.js';

const NOW = 1_700_000_000_000;
const SOCK = '/tmp/tmux-0/orchtest';
const SERVER = 900;
const cfg: ClassifyConfig = { ...DEFAULT_CLASSIFY, socketPath: SOCK };

function proc(pid: number, ppid: number, over: Partial<ProcInfo> = {}): ProcInfo {
  return {
    pid,
    ppid,
    pgid: over.pgid ?? pid,
    sid: over.sid ?? pid,
    state: 'S',
    startTime: pid * 10,
    startedAt: NOW - 60_000,
    cpuTicks: 0,
    rss: 1024 * 1024,
    threads: 1,
    uid: 0,
    comm: over.comm ?? `p${pid}`,
    cmdline: [`/bin/p${pid}`],
    ...over,
  };
}

let paneSeq = 0;
function pane(sessionId: string, sessionName: string, panePid: number, over: Partial<TmuxPane> = {}): TmuxPane {
  paneSeq++;
  return {
    sessionId,
    sessionName,
    sessionCreated: NOW / 1000 - 120,
    sessionAttached: 0,
    windowId: `@${paneSeq}`,
    windowIndex: 0,
    paneId: `%${paneSeq}`,
    paneIndex: 0,
    panePid,
    paneDead: false,
    paneDeadStatus: null,
    ...over,
  };
}

function agent(id: string, status: string, over: Partial<RegistryAgent> = {}): RegistryAgent {
  return {
    agentId: id,
    taskId: 'TASK-1',
    type: 'worker',
    status,
    tmuxSession: `agent_${id}`,
    parent: 'orchestrator',
    startedAt: null,
    lastUpdate: null,
    completedAt: null,
    taskDescription: null,
    source: 'json',
    file: '/ws/registry/GLOBAL_REGISTRY.json',
    claudePid: null,
    cursorPid: null,
    ...over,
  };
}

function ws(agents: RegistryAgent[], path = '/ws'): WorkspaceState {
  return { path, project: 'proj', how: 'flag', readable: true, error: null, agents };
}

interface WorldSpec {
  procs?: ProcInfo[];
  panes?: TmuxPane[];
  agents?: RegistryAgent[];
  workspaces?: WorkspaceState[];
  orchestrator?: number[];
  env?: [number, EnvTrace][];
  fds?: FdCount[];
  tmux?: Partial<RawWorld['tmux'][number]>;
  takenAt?: number;
}
function world(s: WorldSpec): RawWorld {
  const procs = [proc(1, 0), proc(2, 0), proc(SERVER, 1, { comm: 'tmux: server', startTime: 5 }), proc(50, 1, { comm: 'orch-top' }), ...(s.procs ?? [])];
  return {
    takenAt: s.takenAt ?? NOW,
    tmux: [
      {
        label: '-L orchtest',
        stale: false,
        server: { socketName: 'orchtest' },
        available: true,
        running: true,
        socketPath: SOCK,
        serverPid: SERVER,
        socketUid: 0,
        error: null,
        panes: s.panes ?? [],
        ...s.tmux,
      },
    ],
    procs: { takenAt: s.takenAt ?? NOW, clockTicks: 100, source: 'procfs', procs: new Map(procs.map((p) => [p.pid, p])) },
    env: new Map(s.env ?? []),
    fds: new Map((s.fds ?? []).map((f) => [f.pid, f])),
    workspaces: s.workspaces ?? (s.agents ? [ws(s.agents)] : []),
    orchestrator: { pids: s.orchestrator ?? [], how: 'match', error: null },
    self: { pid: 50, ancestors: [1] },
    errors: [],
  };
}
const orch = () => proc(300, 1, { cmdline: ['python3', 'real_mcp_server.py'] });
const tmuxEnv = (paneId: string, serverPid = SERVER, sessionIndex = 0): EnvTrace => ({
  tmux: `${SOCK},${serverPid},${sessionIndex}`,
  tmuxPane: paneId,
  workspace: null,
});

describe('agent sessions', () => {
  it('takes sessions named by the registry or by a prefix, and leaves every other session alone', () => {
    const snap = classify(
      world({
        procs: [orch(), proc(101, SERVER), proc(102, SERVER), proc(103, SERVER), proc(104, SERVER)],
        panes: [pane('$1', 'claude-agent-1', 101), pane('$2', 'agent_a-1', 102), pane('$3', 'agent_personal', 103), pane('$4', 'scratch', 104)],
        agents: [agent('a-1', 'running')],
        orchestrator: [300],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.sessions.map((s) => [s.name, s.matchedBy])).toEqual([
      ['agent_a-1', 'registry'],
      ['claude-agent-1', 'prefix'],
    ]);
    expect(snap.tmux[0]!.otherSessions).toBe(2);
  });

  it('gathers the pane process, its descendants and processes with the pane session id', () => {
    const snap = classify(
      world({
        procs: [
          orch(),
          proc(101, SERVER),
          proc(110, 101, { sid: 101 }),
          proc(111, 110, { sid: 101 }),
          proc(120, 1, { sid: 101 }), // double-forked away, kept the session id
          proc(130, 1, { sid: 130 }), // unrelated
        ],
        panes: [pane('$1', 'agent_a-1', 101)],
        agents: [agent('a-1', 'running')],
        orchestrator: [300],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.sessions[0]!.processes).toEqual([101, 110, 111, 120]);
    const roles = Object.fromEntries(snap.processes.filter((p) => p.sessionId === '$1').map((p) => [p.pid, p.role]));
    expect(roles).toEqual({ 101: 'pane', 110: 'descendant', 111: 'descendant', 120: 'session-member' });
  });

  it('never counts init, the tmux server or orch-top itself as an agent process', () => {
    const snap = classify(
      world({ procs: [orch(), proc(101, SERVER)], panes: [pane('$1', 'claude-agent-x', 101), pane('$1', 'claude-agent-x', 50)], orchestrator: [300] }),
      cfg,
      emptyHistory(),
    );
    expect(snap.sessions[0]!.processes).toEqual([101]);
  });
});

describe('orphan sessions, each with its reason', () => {
  const base = (over: WorldSpec = {}) =>
    world({
      procs: [orch(), proc(101, SERVER), proc(102, SERVER), proc(103, SERVER), proc(104, SERVER)],
      panes: [
        pane('$1', 'agent_live-1', 101),
        pane('$2', 'agent_done-1', 102),
        pane('$3', 'claude-agent-stray', 103),
        pane('$4', 'agent_dead-1', 104, { paneDead: true, paneDeadStatus: 1 }),
      ],
      agents: [agent('live-1', 'running'), agent('done-1', 'completed'), agent('dead-1', 'working')],
      orchestrator: [300],
      ...over,
    });

  it('a terminal registry status, an unknown prefixed session, all panes dead', () => {
    const snap = classify(base(), cfg, emptyHistory());
    const by = Object.fromEntries(snap.sessions.map((s) => [s.name, s]));
    expect(by['agent_live-1']).toMatchObject({ status: 'active', reasons: [] });
    expect(by['agent_done-1']).toMatchObject({ status: 'orphan', reasons: ['terminal-status'], reason: 'registry says completed' });
    expect(by['claude-agent-stray']).toMatchObject({ status: 'orphan', reasons: ['unknown-to-registry'] });
    expect(by['agent_dead-1']).toMatchObject({ status: 'orphan', reasons: ['panes-dead'] });
    expect(snap.summary.orphans).toBe(3);
  });

  it.each(['completed', 'terminated', 'error', 'failed', 'killed', 'phase_completed'])('%s is terminal', (status) => {
    const snap = classify(base({ agents: [agent('live-1', status)] }), cfg, emptyHistory());
    expect(snap.sessions.find((s) => s.name === 'agent_live-1')!.reasons).toContain('terminal-status');
  });

  it.each(['running', 'working', 'blocked', 'reviewing', 'some-future-status'])('%s is not an orphan by status', (status) => {
    const snap = classify(base({ agents: [agent('live-1', status)] }), cfg, emptyHistory());
    expect(snap.sessions.find((s) => s.name === 'agent_live-1')!.status).toBe('active');
  });

  it('every agent session is an orphan when the orchestrator is not running', () => {
    const snap = classify(base({ orchestrator: [] }), cfg, emptyHistory());
    expect(snap.sessions.every((s) => s.status === 'orphan' && s.reasons[0] === 'orchestrator-down')).toBe(true);
    expect(snap.orchestrator).toBeNull();
  });

  it('a zombie orchestrator is not a running one', () => {
    const snap = classify(base({ procs: [proc(300, 1, { state: 'Z', cmdline: [] }), proc(101, SERVER)] }), cfg, emptyHistory());
    expect(snap.orchestrator).toBeNull();
  });

  it('lists the orchestrator with its children', () => {
    const snap = classify(base({ procs: [orch(), proc(301, 300), proc(302, 301), proc(101, SERVER)] }), cfg, emptyHistory());
    expect(snap.orchestrator).toMatchObject({ pid: 300, running: true, children: [301, 302] });
  });
});

describe('ghost agents', () => {
  it('active in the registry, no session: a ghost; finished or present: not', () => {
    const snap = classify(
      world({
        procs: [orch(), proc(101, SERVER)],
        panes: [pane('$1', 'agent_here', 101)],
        agents: [agent('here', 'running'), agent('gone', 'working'), agent('done', 'completed'), agent('nosession', 'running', { tmuxSession: null })],
        orchestrator: [300],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.ghosts.map((g) => g.agentId)).toEqual(['gone']);
    expect(snap.summary.ghosts).toBe(1);
  });

  it('with no tmux server running, every active agent is a ghost', () => {
    const snap = classify(world({ agents: [agent('a', 'running')], tmux: { running: false, serverPid: null, socketPath: null } }), cfg, emptyHistory());
    expect(snap.ghosts).toHaveLength(1);
  });

  it('when tmux cannot be asked, nothing is called a ghost', () => {
    const snap = classify(world({ agents: [agent('a', 'running')], tmux: { available: false, running: false, error: 'tmux not found' } }), cfg, emptyHistory());
    expect(snap.ghosts).toHaveLength(0);
  });

  it('SQLite wins over JSON where both name an agent', () => {
    const snap = classify(
      world({
        procs: [orch(), proc(101, SERVER)],
        panes: [pane('$1', 'agent_x', 101)],
        workspaces: [ws([agent('x', 'running')]), ws([agent('x', 'completed', { source: 'sqlite' })], '/ws2')],
        orchestrator: [300],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.sessions[0]!.agent).toMatchObject({ registryStatus: 'completed', registrySource: 'sqlite' });
  });
});

describe('zombies', () => {
  it('lists every zombie with its parent and whether the parent is in scope', () => {
    const snap = classify(
      world({
        procs: [
          orch(),
          proc(101, SERVER),
          proc(110, 101, { sid: 101 }),
          proc(111, 110, { state: 'Z', cmdline: [], comm: 'sleep' }),
          proc(301, 300, { state: 'Z', cmdline: [], comm: 'git' }),
          proc(400, 1),
          proc(401, 400, { state: 'Z', cmdline: [], comm: 'other' }),
        ],
        panes: [pane('$1', 'claude-agent-z', 101)],
        orchestrator: [300],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.zombies.map((z) => [z.pid, z.ppid, z.parentInScope])).toEqual([
      [111, 110, true],
      [301, 300, true],
      [401, 400, false],
    ]);
    expect(snap.zombies[0]).toMatchObject({ command: '[sleep]', parentCommand: '/bin/p110', sessionId: '$1' });
    expect(snap.summary).toMatchObject({ zombies: 2, zombiesOther: 1 });
  });
});

describe('leaked processes', () => {
  const agents = [agent('crashed-1', 'error')];

  it('a process whose TMUX_PANE is gone and whose command line names an agent is only a stray: a name is not evidence', () => {
    const snap = classify(
      world({
        procs: [orch(), proc(500, 1, { cmdline: ['node', 'agent.js', '--agent', 'crashed-1'] })],
        env: [[500, tmuxEnv('%9')]],
        agents,
        orchestrator: [300],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.leaked).toHaveLength(0);
    expect(snap.strays.map((l) => [l.pid, l.pane, l.agentId])).toEqual([[500, '%9', null]]);
    expect(snap.strays[0]!.reason).toMatch(/names agent crashed-1, but nothing ties it to that agent's pane/);
    expect(snap.processes.find((p) => p.pid === 500)).toBeUndefined();
  });

  it('a pane seen in an agent session earlier traces its leftovers, even without a name in the command line', () => {
    const hist = advanceHistory(
      emptyHistory(),
      world({ procs: [orch(), proc(101, SERVER)], panes: [pane('$7', 'claude-agent-gone', 101, { paneId: '%70' })], orchestrator: [300] }),
      classify(
        world({ procs: [orch(), proc(101, SERVER)], panes: [pane('$7', 'claude-agent-gone', 101, { paneId: '%70' })], orchestrator: [300] }),
        cfg,
        emptyHistory(),
      ),
      cfg,
    );
    const snap = classify(
      world({ procs: [orch(), proc(501, 1, { sid: 101 }), proc(502, 501, { sid: 101 })], env: [[501, tmuxEnv('%70', SERVER, 7)]], orchestrator: [300] }),
      cfg,
      hist,
    );
    expect(snap.leaked.map((l) => [l.pid, l.sessionName])).toEqual([
      [501, 'claude-agent-gone'],
      [502, 'claude-agent-gone'],
    ]);
  });

  it('a cleared environment is still traced by the session id of a gone agent pane', () => {
    const w0 = world({ procs: [orch(), proc(101, SERVER)], panes: [pane('$7', 'claude-agent-gone', 101, { paneId: '%71' })], orchestrator: [300] });
    const hist = advanceHistory(emptyHistory(), w0, classify(w0, cfg, emptyHistory()), cfg);
    const snap = classify(world({ procs: [orch(), proc(503, 1, { sid: 101 })], orchestrator: [300] }), cfg, hist);
    expect(snap.leaked.map((l) => l.pid)).toEqual([503]);
    expect(snap.leaked[0]!.reason).toMatch(/session id 101/);
  });

  it('leftovers of a personal session seen earlier are never called leaked', () => {
    const w0 = world({ procs: [orch(), proc(101, SERVER)], panes: [pane('$8', 'scratch', 101, { paneId: '%80' })], orchestrator: [300] });
    const hist = advanceHistory(emptyHistory(), w0, classify(w0, cfg, emptyHistory()), cfg);
    const snap = classify(world({ procs: [orch(), proc(504, 1, { sid: 101 })], env: [[504, tmuxEnv('%80', SERVER, 8)]], orchestrator: [300] }), cfg, hist);
    expect(snap.leaked).toHaveLength(0);
    expect(snap.strays).toHaveLength(0);
  });

  it('a leftover of this server that cannot be traced to an agent is a stray: listed, not a finding', () => {
    const snap = classify(
      world({ procs: [orch(), proc(505, 1, { cmdline: ['make', 'build'] })], env: [[505, tmuxEnv('%99')]], orchestrator: [300] }),
      cfg,
      emptyHistory(),
    );
    expect(snap.leaked).toHaveLength(0);
    expect(snap.strays.map((s) => s.pid)).toEqual([505]);
    expect(snap.summary.findings).toBe(0);
  });

  it('processes of another tmux server are none of our business', () => {
    const other: EnvTrace = { tmux: '/tmp/tmux-0/default,77,0', tmuxPane: '%1', workspace: null };
    const snap = classify(
      world({ procs: [orch(), proc(506, 1, { cmdline: ['x', 'crashed-1'] })], env: [[506, other]], agents, orchestrator: [300] }),
      cfg,
      emptyHistory(),
    );
    expect(snap.leaked).toHaveLength(0);
    expect(snap.strays).toHaveLength(0);
  });

  it('a process whose pane still exists belongs to that session, not to the leaks', () => {
    const p = pane('$1', 'claude-agent-a', 101, { paneId: '%5' });
    const snap = classify(
      world({ procs: [orch(), proc(101, SERVER), proc(507, 1, { sid: 507 })], panes: [p], env: [[507, tmuxEnv('%5')]], orchestrator: [300] }),
      cfg,
      emptyHistory(),
    );
    expect(snap.leaked).toHaveLength(0);
    expect(snap.sessions[0]!.processes).toEqual([101, 507]);
  });

  it('the agent id must be a whole word in the command line', () => {
    const snap = classify(
      world({ procs: [orch(), proc(508, 1, { cmdline: ['tool', '--x=crashed-10'] })], env: [[508, tmuxEnv('%9')]], agents, orchestrator: [300] }),
      cfg,
      emptyHistory(),
    );
    expect(snap.leaked).toHaveLength(0);
  });

  it('never calls orch-top, its ancestors or init leaked', () => {
    const snap = classify(
      world({
        procs: [orch()],
        env: [
          [50, tmuxEnv('%9')],
          [1, tmuxEnv('%9')],
        ],
        agents,
        orchestrator: [300],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.leaked).toHaveLength(0);
    expect(snap.strays).toHaveLength(0);
  });
});

describe('descriptors', () => {
  const fd = (pid: number, count: number): FdCount => ({
    pid,
    startTime: pid * 10,
    count,
    kinds: { file: count, socket: 0, pipe: 0, anon: 0, other: 0 },
    error: null,
  });

  it('flags growth from history and keeps a flat process quiet', () => {
    let hist: History = emptyHistory();
    let snap;
    for (let i = 0; i < 10; i++) {
      const w = world({
        takenAt: NOW + i * 1000,
        procs: [orch(), proc(101, SERVER), proc(102, SERVER)],
        panes: [pane('$1', 'claude-agent-leak', 101), pane('$2', 'claude-agent-flat', 102)],
        fds: [fd(101, 10 + i * 2), fd(102, 20 + (i % 2)), fd(300, 5)],
        orchestrator: [300],
      });
      snap = classify(w, cfg, hist);
      hist = advanceHistory(hist, w, snap, cfg);
    }
    const by = Object.fromEntries(snap!.fds.map((f) => [f.pid, f]));
    expect(by[101]).toMatchObject({ growth: true, trend: 'rising', count: 28, samples: 10 });
    expect(by[101]!.history).toEqual([10, 12, 14, 16, 18, 20, 22, 24, 26, 28]);
    expect(by[102]).toMatchObject({ growth: false, trend: 'flat' });
    expect(snap!.summary.fdGrowth).toBe(1);
    expect(snap!.orchestrator!.fds).toBe(5);
  });

  it('a reused pid starts a new history', () => {
    let hist: History = emptyHistory();
    for (let i = 0; i < 6; i++) {
      const w = world({
        takenAt: NOW + i * 1000,
        procs: [orch(), proc(101, SERVER)],
        panes: [pane('$1', 'claude-agent-a', 101)],
        fds: [fd(101, 10 + i * 5)],
        orchestrator: [300],
      });
      hist = advanceHistory(hist, w, classify(w, cfg, hist), cfg);
    }
    const reborn = proc(101, SERVER, { startTime: 99999 });
    const w = world({
      takenAt: NOW + 7000,
      procs: [orch(), reborn],
      panes: [pane('$1', 'claude-agent-a', 101)],
      fds: [{ ...fd(101, 40), startTime: 99999 }],
      orchestrator: [300],
    });
    const snap = classify(w, cfg, hist);
    expect(snap.fds.find((f) => f.pid === 101)).toMatchObject({ samples: 1, trend: 'unknown' });
  });
});

describe('CPU', () => {
  it('is the share of one core over the last interval, or the lifetime average at first sight', () => {
    const w0 = world({
      procs: [orch(), proc(101, SERVER, { cpuTicks: 600, startedAt: NOW - 60_000 })],
      panes: [pane('$1', 'claude-agent-c', 101)],
      orchestrator: [300],
    });
    const s0 = classify(w0, cfg, emptyHistory());
    expect(s0.processes.find((p) => p.pid === 101)!.cpu).toBeCloseTo(10, 5); // 6 s of CPU in 60 s
    const hist = advanceHistory(emptyHistory(), w0, s0, cfg);
    const w1 = world({
      takenAt: NOW + 2000,
      procs: [orch(), proc(101, SERVER, { cpuTicks: 700, startedAt: NOW - 60_000 })],
      panes: [pane('$1', 'claude-agent-c', 101)],
      orchestrator: [300],
    });
    expect(classify(w1, cfg, hist).processes.find((p) => p.pid === 101)!.cpu).toBeCloseTo(50, 5); // 1 s in 2 s
  });
});

describe('summary and helpers', () => {
  it('counts findings: orphans, leaked, in-scope zombies, ghosts, growth', () => {
    const snap = classify(
      world({ procs: [proc(101, SERVER)], panes: [pane('$1', 'claude-agent-q', 101)], agents: [agent('g', 'running')] }),
      cfg,
      emptyHistory(),
    );
    expect(snap.summary).toMatchObject({ sessions: 1, orphans: 1, ghosts: 1, findings: 2 });
    expect(snap.version).toBe(1);
  });

  it('parses $TMUX, whose socket path may hold commas', () => {
    expect(parseTmuxEnv('/tmp/a,b/default,123,4')).toEqual({ socketPath: '/tmp/a,b/default', serverPid: 123, sessionIndex: 4 });
    expect(parseTmuxEnv('garbage')).toBeNull();
  });
});

describe('one orchestrator per project', () => {
  const wsA = { ...ws([agent('a-1', 'running')], '/projA/.agent-workspace'), project: 'A', realPath: '/real/projA/.agent-workspace' };
  const wsB = { ...ws([agent('b-1', 'running')], '/projB/.agent-workspace'), project: 'B' };
  const spec = (placements: [number, string | null][]): RawWorld => {
    const w = world({
      procs: [
        proc(300, 1, { cmdline: ['python3', 'real_mcp_server.py'] }),
        proc(310, 1, { cmdline: ['python3', 'real_mcp_server.py'] }),
        proc(101, SERVER),
        proc(102, SERVER),
      ],
      panes: [pane('$1', 'agent_a-1', 101), pane('$2', 'agent_b-1', 102)],
      workspaces: [wsA, wsB],
    });
    w.orchestrator = {
      pids: placements.map(([p]) => p),
      roots: placements.map(([p]) => p),
      how: 'match',
      error: null,
      placements: new Map(placements.map(([p, at]) => [p, { workspace: at, realWorkspace: at, by: at ? 'env' : null }])),
    };
    return w;
  };
  const statusOf = (snap: ReturnType<typeof classify>) => snap.sessions.map((s) => [s.name, s.status, s.ownedBy]);

  it("a live server of project A (matched by the real path) never makes B's sessions look owned", () => {
    const snap = classify(spec([[300, '/real/projA/.agent-workspace']]), cfg, emptyHistory());
    expect(statusOf(snap)).toEqual([
      ['agent_a-1', 'active', 300],
      ['agent_b-1', 'orphan', null],
    ]);
    expect(snap.sessions[1]!.reasons).toEqual(['orchestrator-down']);
    expect(snap.orchestrators.map((o) => [o.pid, o.project, o.placedBy])).toEqual([[300, 'A', 'env']]);
  });

  it('each project owned by its own server; a server that serves neither owns neither', () => {
    expect(
      statusOf(
        classify(
          spec([
            [300, '/projA/.agent-workspace'],
            [310, '/projB/.agent-workspace'],
          ]),
          cfg,
          emptyHistory(),
        ),
      ),
    ).toEqual([
      ['agent_a-1', 'active', 300],
      ['agent_b-1', 'active', 310],
    ]);
    expect(statusOf(classify(spec([[300, '/elsewhere/.agent-workspace']]), cfg, emptyHistory()))).toEqual([
      ['agent_a-1', 'orphan', null],
      ['agent_b-1', 'orphan', null],
    ]);
  });

  it('a server whose workspace is unknown owns every workspace: when unsure, nothing is an orphan', () => {
    expect(statusOf(classify(spec([[300, null]]), cfg, emptyHistory()))).toEqual([
      ['agent_a-1', 'active', 300],
      ['agent_b-1', 'active', 300],
    ]);
  });
});

describe('recorded pids', () => {
  const started = new Date(NOW - 120_000);
  const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, -1);
  it("a live process with an agent's recorded claude_pid, started within its life, is leaked once the session is gone", () => {
    const snap = classify(
      world({
        procs: [proc(700, 1, { startedAt: NOW - 60_000 }), proc(701, 1, { startedAt: NOW - 3_600_000 }), proc(702, 1, { startedAt: NOW - 60_000 })],
        agents: [
          agent('gone-1', 'failed', { claudePid: 700, startedAt: local(started), completedAt: local(new Date(NOW - 10_000)) }),
          agent('gone-2', 'failed', { claudePid: 701, startedAt: local(started) }), // pid older than the agent: reused
          agent('live-1', 'running', { cursorPid: 702, startedAt: local(started) }), // its session is alive: not a leak
        ],
        panes: [pane('$1', 'agent_live-1', 703)],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.leaked.map((l) => [l.pid, l.agentId, l.reason])).toEqual([
      [700, 'gone-1', 'recorded as claude_pid of agent gone-1, whose session agent_gone-1 is gone'],
    ]);
  });
});

describe('a registry read in part is not believed', () => {
  it('a workspace with a read error gives no terminal status and makes no prefixed session "unknown"', () => {
    const spec = (error: string | null, gone = false) =>
      world({
        procs: [proc(101, SERVER), proc(102, SERVER)],
        panes: [pane('$1', 'agent_a-1', 101), pane('$2', 'claude-agent-x', 102)],
        workspaces: [{ ...ws([agent('a-1', 'completed')]), error, gone }],
        orchestrator: [],
      });
    const whole = classify(spec(null), cfg, emptyHistory());
    expect(whole.sessions.map((s) => [s.name, s.reasons])).toEqual([
      ['agent_a-1', ['orchestrator-down', 'terminal-status']],
      ['claude-agent-x', ['orchestrator-down', 'unknown-to-registry']],
    ]);
    // e.g. state.sqlite3 locked this tick while the JSON registry (older, maybe stale) was read.
    const partial = classify(spec('/ws/registry/state.sqlite3: database is locked'), cfg, emptyHistory());
    expect(partial.sessions.map((s) => [s.name, s.reasons])).toEqual([
      ['agent_a-1', ['orchestrator-down']],
      ['claude-agent-x', ['orchestrator-down']],
    ]);
    // A workspace that is gone hides nothing.
    const gone = classify(spec('workspace /ws: not found', true), cfg, emptyHistory());
    expect(gone.sessions.find((s) => s.name === 'claude-agent-x')!.reasons).toEqual(['orchestrator-down', 'unknown-to-registry']);
  });
});

describe('zombies of the tmux server', () => {
  it("a dead agent pane's process the server has not reaped is in scope (to be nudged); a personal pane's is not", () => {
    const snap = classify(
      world({
        procs: [proc(101, SERVER, { state: 'Z' }), proc(102, SERVER, { state: 'Z' })],
        panes: [pane('$1', 'claude-agent-1', 101, { paneDead: true }), pane('$2', 'scratch', 102, { paneDead: true })],
      }),
      cfg,
      emptyHistory(),
    );
    expect(snap.zombies.map((z) => [z.pid, z.parentInScope, z.parentIsTmuxServer, z.parentStartTime])).toEqual([
      [101, true, true, 5],
      [102, false, true, 5],
    ]);
  });
});
