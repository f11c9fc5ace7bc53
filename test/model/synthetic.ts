// Small synthetic worlds for the model's unit tests: processes, panes, agents, workspaces and
// snapshot views, each with defaults a test overrides.
import type {
  FdView,
  GhostView,
  LeakedView,
  ProcInfo,
  ProcessView,
  RegistryAgent,
  SessionView,
  Snapshot,
  TmuxPane,
  WorkspaceState,
  ZombieView,
} from '../../src/model/types.js';

export const NOW = 1_700_000_000_000;

export function proc(pid: number, ppid: number, over: Partial<ProcInfo> = {}): ProcInfo {
  return {
    pid,
    ppid,
    pgid: pid,
    sid: pid,
    state: 'S',
    startTime: pid * 10,
    startedAt: NOW - 60_000,
    cpuTicks: 0,
    rss: 1024,
    threads: 1,
    uid: 0,
    comm: `p${pid}`,
    cmdline: [`/bin/p${pid}`],
    ...over,
  };
}

export const table = (...ps: ProcInfo[]) => new Map(ps.map((p) => [p.pid, p]));

export function pane(sessionId: string, sessionName: string, panePid: number, paneId: string, over: Partial<TmuxPane> = {}): TmuxPane {
  return {
    sessionId,
    sessionName,
    sessionCreated: NOW / 1000 - 120,
    sessionAttached: 0,
    windowId: '@1',
    windowIndex: 0,
    paneId,
    paneIndex: 0,
    panePid,
    paneDead: false,
    paneDeadStatus: null,
    ...over,
  };
}

export function agent(id: string, status: string, over: Partial<RegistryAgent> = {}): RegistryAgent {
  return {
    agentId: id,
    taskId: 'T',
    type: 'worker',
    status,
    tmuxSession: `agent_${id}`,
    parent: null,
    startedAt: null,
    lastUpdate: null,
    completedAt: null,
    taskDescription: null,
    source: 'sqlite',
    file: '/ws/registry/state.sqlite3',
    claudePid: null,
    cursorPid: null,
    ...over,
  };
}

export function workspace(agents: RegistryAgent[], over: Partial<WorkspaceState> = {}): WorkspaceState {
  return { path: '/ws', project: 'p', how: 'flag', readable: true, error: null, agents, ...over };
}

export function session(id: string, name: string, over: Partial<SessionView> = {}): SessionView {
  return {
    id,
    name,
    server: '-L x',
    created: 0,
    attached: false,
    matchedBy: 'prefix',
    source: 'orchestrator',
    agent: null,
    project: null,
    taskId: null,
    agentId: null,
    registryStatus: null,
    registrySource: null,
    ownedBy: null,
    status: 'orphan',
    reasons: ['orchestrator-down'],
    reason: 'orchestrator not running',
    panes: [],
    processes: [],
    cpu: 0,
    rss: 0,
    fds: null,
    ...over,
  };
}

export function leaked(pid: number, over: Partial<LeakedView> = {}): LeakedView {
  return {
    pid,
    startTime: pid * 10,
    ppid: 1,
    sid: pid,
    state: 'S',
    command: `leak${pid}`,
    startedAt: 0,
    cpu: 0,
    rss: 0,
    fds: null,
    pane: null,
    sessionId: null,
    sessionName: null,
    agentId: null,
    reason: 'its pane %9 is gone',
    ...over,
  };
}

export function zombie(pid: number, ppid: number, inScope: boolean, over: Partial<ZombieView> = {}): ZombieView {
  return {
    pid,
    startTime: pid * 10,
    ppid,
    parentStartTime: ppid * 10,
    command: '[z]',
    parentCommand: `cmd${ppid}`,
    parentInScope: inScope,
    parentIsTmuxServer: false,
    sessionId: null,
    startedAt: 0,
    ...over,
  };
}

export function ghost(id: string): GhostView {
  return { agentId: id, taskId: null, tmuxSession: `agent_${id}`, project: 'p', workspace: '/ws', registryStatus: 'running', registrySource: 'sqlite' };
}

export function fd(pid: number, growth: boolean, over: Partial<FdView> = {}): FdView {
  return {
    pid,
    startTime: pid * 10,
    command: `cmd${pid}`,
    role: 'pane',
    sessionId: null,
    count: 40,
    kinds: null,
    trend: growth ? 'rising' : 'flat',
    slopePerMin: growth ? 3 : 0,
    samples: 10,
    history: [],
    growth,
    ...over,
  };
}

export function view(pid: number, over: Partial<ProcessView> = {}): ProcessView {
  return {
    pid,
    startTime: pid * 10,
    ppid: 1,
    pgid: pid,
    sid: pid,
    state: 'S',
    command: `cmd${pid}`,
    startedAt: 0,
    cpu: 0,
    rss: 0,
    threads: 1,
    fds: null,
    role: 'pane',
    sessionId: null,
    ...over,
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    version: 1,
    takenAt: new Date(NOW).toISOString(),
    tmux: [{ socket: '-L x', socketPath: '/tmp/tmux-0/x', available: true, running: true, serverPid: 50, error: null, otherSessions: 0, stale: false }],
    orchestrator: null,
    orchestrators: [],
    orchestratorError: null,
    workspaces: [],
    sessions: [],
    processes: [],
    zombies: [],
    leaked: [],
    strays: [],
    fds: [],
    ghosts: [],
    overLimit: [],
    summary: { sessions: 0, orphans: 0, zombies: 0, zombiesOther: 0, leaked: 0, strays: 0, ghosts: 0, fdGrowth: 0, overLimit: 0, processes: 0, findings: 0 },
    errors: [],
    incomplete: [],
    ...over,
  };
}
