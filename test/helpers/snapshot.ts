// A small, hand-built Snapshot for the console's component tests: two projects' worth of sessions
// (active and orphan), their processes as a tree, a leaked process, zombies in and out of scope,
// descriptor histories, one orchestrator. Deterministic: fixed times, fixed pids.
import type { FdView, ProcessView, SessionView, Snapshot, ZombieView } from '../../src/model/types.js';

export const NOW = Date.parse('2026-11-25T12:00:00Z');

const proc = (pid: number, ppid: number, role: ProcessView['role'], sessionId: string | null, command: string, extra: Partial<ProcessView> = {}): ProcessView => ({
  pid,
  startTime: pid * 10,
  ppid,
  pgid: pid,
  sid: pid,
  state: 'S',
  command,
  startedAt: NOW - 60_000,
  cpu: 0.5,
  rss: 40 * 2 ** 20,
  threads: 1,
  fds: 12,
  role,
  sessionId,
  ...extra,
});

const session = (id: string, name: string, status: SessionView['status'], reason: string | null, processes: number[], extra: Partial<SessionView> = {}): SessionView => ({
  id,
  name,
  created: NOW - 120_000,
  attached: false,
  matchedBy: 'registry+prefix',
  agent: null,
  project: 'payments-api',
  taskId: 'TASK-1',
  agentId: name.replace(/^agent_/, ''),
  registryStatus: status === 'orphan' ? 'completed' : 'running',
  registrySource: 'json',
  ownedBy: 4000,
  status,
  reasons: status === 'orphan' ? ['terminal-status'] : [],
  reason,
  panes: [{ id: `%${id.slice(1)}`, pid: processes[0]!, dead: false, command: 'node' }],
  processes,
  cpu: 1,
  rss: 50 * 2 ** 20,
  fds: 20,
  ...extra,
});

export function makeSnapshot(over: Partial<Snapshot> = {}): Snapshot {
  const sessions = [
    session('$1', 'agent_alpha', 'active', null, [1001, 1002]),
    session('$2', 'agent_bravo', 'orphan', 'registry says completed', [2001]),
    session('$3', 'claude-agent-charlie', 'orphan', 'not in any registry', [3001], { matchedBy: 'prefix', agent: null, project: null, taskId: null, agentId: null, registryStatus: null, registrySource: null, ownedBy: null }),
  ];
  const processes = [
    proc(4000, 1, 'orchestrator', null, 'python real_mcp_server.py'),
    proc(1001, 900, 'pane', '$1', 'node agent.js --agent alpha'),
    proc(1002, 1001, 'descendant', '$1', 'node worker.js'),
    proc(2001, 900, 'pane', '$2', 'node agent.js --agent bravo'),
    proc(3001, 900, 'pane', '$3', 'sleep 600'),
    proc(5001, 1, 'leaked', null, 'node agent.js --agent delta'),
  ];
  const zombies: ZombieView[] = [
    { pid: 1003, startTime: 10030, ppid: 1001, command: '[perl]', parentCommand: 'node agent.js --agent alpha', parentStartTime: 10010, parentInScope: true, parentIsTmuxServer: false, sessionId: '$1', startedAt: NOW - 30_000 },
    { pid: 7001, startTime: 70010, ppid: 7000, command: '[make]', parentCommand: 'bash', parentStartTime: 70000, parentInScope: false, parentIsTmuxServer: false, sessionId: null, startedAt: NOW - 30_000 },
  ];
  const fds: FdView[] = processes.map((p) => ({
    pid: p.pid,
    startTime: p.startTime,
    command: p.command,
    role: p.role,
    sessionId: p.sessionId,
    count: p.pid === 1001 ? 90 : 12,
    kinds: { file: 5, socket: 1, pipe: 4, anon: 2, other: 0 },
    trend: p.pid === 1001 ? 'rising' : 'flat',
    slopePerMin: p.pid === 1001 ? 240 : 0,
    samples: 8,
    history: p.pid === 1001 ? [20, 30, 40, 50, 60, 70, 80, 90] : [12, 12, 12, 12, 12, 12, 12, 12],
    growth: p.pid === 1001,
  }));
  const orchestrator = {
    pid: 4000,
    startTime: 40000,
    running: true,
    how: 'match' as const,
    command: 'python real_mcp_server.py',
    startedAt: NOW - 3_600_000,
    cpu: 2.5,
    rss: 80 * 2 ** 20,
    fds: 12,
    fdKinds: null,
    children: [],
    workspace: '/w/payments-api/.agent-workspace',
    placedBy: 'env' as const,
    project: 'payments-api',
  };
  return {
    version: 1,
    takenAt: new Date(NOW).toISOString(),
    tmux: { socket: '-L test', socketPath: '/tmp/tmux-0/test', available: true, running: true, serverPid: 900, error: null, otherSessions: 1 },
    orchestrator,
    orchestrators: [orchestrator],
    orchestratorError: null,
    workspaces: [{ path: '/w/payments-api/.agent-workspace', project: 'payments-api', how: 'env', readable: true, error: null, agents: 2 }],
    sessions,
    processes,
    zombies,
    leaked: [{ pid: 5001, startTime: 50010, ppid: 1, sid: 5001, state: 'S', command: 'node agent.js --agent delta', startedAt: NOW - 60_000, cpu: 0, rss: 2 ** 20, fds: 12, pane: '%9', sessionId: '$9', sessionName: 'agent_delta', agentId: 'delta', reason: 'its pane %9 is gone' }],
    strays: [],
    fds,
    ghosts: [],
    summary: { sessions: 3, orphans: 2, zombies: 1, zombiesOther: 1, leaked: 1, strays: 0, ghosts: 0, fdGrowth: 1, processes: 6, findings: 5 },
    errors: [],
    ...over,
  };
}
