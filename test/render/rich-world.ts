// A synthetic world, classified by the real model, in which every list of the snapshot has members:
// the render tests compare whole documents on it.
import { advanceHistory, classify, DEFAULT_CLASSIFY, emptyHistory, type ClassifyConfig } from '../../src/model/classify.js';
import type { EnvTrace, FdCount, ProcInfo, RawWorld, RegistryAgent, Snapshot, TmuxPane } from '../../src/model/types.js';

export const NOW = 1_700_000_000_000;
const SOCK = '/tmp/tmux-0/orchdoc';
const SERVER = 900;
export const cfg: ClassifyConfig = { ...DEFAULT_CLASSIFY, socketPath: SOCK };

const proc = (pid: number, ppid: number, over: Partial<ProcInfo> = {}): ProcInfo => ({
  pid,
  ppid,
  pgid: pid,
  sid: pid,
  state: 'S',
  startTime: pid * 10,
  startedAt: NOW - 60_000,
  cpuTicks: 5,
  rss: 1 << 20,
  threads: 2,
  uid: 0,
  comm: `p${pid}`,
  cmdline: [`/bin/p${pid}`, '--x'],
  ...over,
});
const pane = (sessionId: string, sessionName: string, panePid: number, paneId: string, over: Partial<TmuxPane> = {}): TmuxPane => ({
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
});
const agent = (id: string, status: string, source: RegistryAgent['source'] = 'sqlite'): RegistryAgent => ({
  agentId: id,
  taskId: 'TASK-1',
  type: 'worker',
  status,
  tmuxSession: `agent_${id}`,
  parent: 'orchestrator',
  startedAt: null,
  lastUpdate: null,
  completedAt: null,
  taskDescription: 'do it',
  source,
  file: '/ws/registry/state.sqlite3',
  claudePid: null,
  cursorPid: null,
});
const fds = (pid: number, count: number): FdCount => ({
  pid,
  startTime: pid * 10,
  count,
  kinds: { file: count - 3, socket: 1, pipe: 1, anon: 1, other: 0 },
  error: null,
});
const env = (paneId: string): EnvTrace => ({ tmux: `${SOCK},${SERVER},0`, tmuxPane: paneId, workspace: null });

export function world(panes: TmuxPane[], extra: ProcInfo[], envs: [number, EnvTrace][], t: number): RawWorld {
  const procs = [
    proc(1, 0),
    proc(2, 0),
    proc(SERVER, 1, { comm: 'tmux: server', startTime: 5 }),
    proc(50, 1, { comm: 'orch-top' }),
    proc(300, 1, { cmdline: ['python3', 'real_mcp_server.py'] }),
    proc(301, 300),
    proc(101, SERVER),
    proc(102, 101),
    proc(103, 101, { state: 'Z', cmdline: [] }),
    proc(201, SERVER),
    ...extra,
  ];
  return {
    takenAt: t,
    tmux: [
      {
        label: '-L orchdoc',
        stale: false,
        server: { socketName: 'orchdoc' },
        available: true,
        running: true,
        socketPath: SOCK,
        serverPid: SERVER,
        socketUid: 0,
        error: null,
        panes,
      },
    ],
    procs: { takenAt: t, clockTicks: 100, source: 'procfs', procs: new Map(procs.map((p) => [p.pid, p])) },
    env: new Map(envs),
    fds: new Map([fds(300, 40), fds(101, 12), fds(102, 9)].map((f) => [f.pid, f])),
    workspaces: [
      {
        path: '/ws',
        project: 'proj',
        how: 'flag',
        readable: true,
        error: null,
        agents: [agent('a-1', 'running'), agent('b-2', 'completed', 'json'), agent('g-3', 'working')],
      },
      { path: '/gone', project: null, how: 'global-registry', readable: false, gone: true, error: 'workspace /gone: not found', agents: [] },
    ],
    orchestrator: { pids: [300], roots: [300], placements: new Map([[300, { workspace: '/ws', realWorkspace: '/ws', by: 'env' }]]), how: 'match', error: null },
    self: { pid: 50, ancestors: [1] },
    errors: ['workspace /gone: not found'],
  };
}

/** Two looks: a pane seen in the first is gone in the second, and what it left is traced (or not). */
export function richSnapshot(): Snapshot {
  const live = [
    pane('$1', 'agent_a-1', 101, '%1'),
    pane('$2', 'agent_b-2', 201, '%2'),
    pane('$4', 'claude-agent-y', 601, '%4'),
    pane('$3', 'claude-agent-x', 401, '%3'),
    pane('$5', 'scratch', 701, '%5'),
  ];
  const first = world(
    live,
    [proc(401, SERVER), proc(402, 401, { sid: 401 }), proc(601, SERVER), proc(701, SERVER), proc(702, 701, { sid: 701 })],
    [
      [402, env('%3')],
      [702, env('%5')],
    ],
    NOW - 5_000,
  );
  const h1 = advanceHistory(emptyHistory(), first, classify(first, cfg, emptyHistory()), cfg);
  // $3 is gone: 402 (in its sid, named by its env) is its leftover; 501 names a pane never seen.
  const second = world(
    live.slice(0, 3),
    [proc(601, SERVER), proc(402, 1, { sid: 401 }), proc(501, 1, { startedAt: NOW - 1_000 }), proc(702, 1, { sid: 701 })],
    [
      [402, env('%3')],
      [501, env('%9')],
      [702, env('%5')],
    ],
    NOW,
  );
  return classify(second, cfg, h1);
}
