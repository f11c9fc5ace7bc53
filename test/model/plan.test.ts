// Plans are pure: a snapshot and an intent in, steps with exact targets out. Synthetic snapshots here;
// plans from real worlds are in execute.test.ts and cleanup-cli.test.ts.
import { describe, expect, it } from 'vitest';
import { intentLabel, makePlan, planTargets, type Intent } from '../../src/model/plan.js';
import type { GhostView, LeakedView, OrchestratorView, ProcessView, SessionView, Snapshot, ZombieView } from '../../src/model/types.js';

const T = '2026-11-25T00:00:00.000Z';
const proc = (pid: number, over: Partial<ProcessView> = {}): ProcessView => ({
  pid,
  startTime: pid * 7,
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
});
const sess = (id: string, name: string, pids: number[], over: Partial<SessionView> = {}): SessionView => ({
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
  panes: [{ id: `%${pids[0]}`, pid: pids[0]!, dead: false, command: 'sh' }],
  processes: pids,
  cpu: 0,
  rss: 0,
  fds: null,
  ...over,
});
const orch = (pid: number, workspace: string | null, children: number[] = []): OrchestratorView => ({
  pid,
  startTime: pid * 7,
  running: true,
  how: 'match',
  command: 'python3 real_mcp_server.py',
  startedAt: 0,
  cpu: 0,
  rss: 0,
  fds: null,
  fdKinds: null,
  children,
  workspace,
  placedBy: workspace ? 'env' : null,
  project: null,
});
const leak = (pid: number, ppid = 1): LeakedView => ({
  pid,
  startTime: pid * 7,
  ppid,
  sid: pid,
  state: 'S',
  command: `leak${pid}`,
  startedAt: 0,
  cpu: 0,
  rss: 0,
  fds: null,
  pane: '%9',
  sessionId: null,
  sessionName: 'claude-agent-gone',
  agentId: null,
  reason: 'its pane %9 is gone',
});
const zombie = (pid: number, ppid: number, inScope: boolean, ofServer = false): ZombieView => ({
  pid,
  startTime: pid * 7,
  ppid,
  parentStartTime: ppid * 7,
  command: '[z]',
  parentCommand: `cmd${ppid}`,
  parentInScope: inScope,
  parentIsTmuxServer: ofServer,
  sessionId: null,
  startedAt: 0,
});
const ghost = (id: string): GhostView => ({
  agentId: id,
  taskId: null,
  tmuxSession: `agent_${id}`,
  project: 'p',
  workspace: '/ws',
  registryStatus: 'running',
  registrySource: 'sqlite',
});

function snapshot(over: Partial<Snapshot>): Snapshot {
  return {
    version: 1,
    takenAt: T,
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
const plan = (snap: Snapshot, intent: Intent = { kind: 'reap' }) => makePlan(snap, intent, { graceMs: 5000, server: { socketName: 'x' } });

describe('makePlan', () => {
  const world = () =>
    snapshot({
      sessions: [sess('$1', 'claude-agent-1', [100, 101, 102]), sess('$2', 'claude-agent-2', [200], { status: 'active', reasons: [], reason: null })],
      processes: [
        proc(100, { sessionId: '$1' }),
        proc(101, { sessionId: '$1', role: 'descendant', ppid: 100 }),
        proc(102, { sessionId: '$1', role: 'descendant', state: 'Z', ppid: 100 }),
        proc(200, { sessionId: '$2' }),
        proc(300, { role: 'leaked' }),
        proc(301, { role: 'leaked', ppid: 300 }),
        proc(400, { role: 'orchestrator' }),
      ],
      leaked: [leak(300), leak(301, 300)],
      zombies: [zombie(102, 100, true), zombie(900, 800, false)],
      ghosts: [ghost('g-1')],
      strays: [{ ...leak(500), reason: 'untraced' }],
    });

  it('reap: orphan sessions with their processes as (pid, start time), leaks by root, zombies by parent; active sessions untouched', () => {
    const p = plan(world());
    expect(p.refused).toBeNull();
    expect(p.steps.map((s) => s.kind)).toEqual(['session', 'leaked', 'zombies']);
    const [s1, l, z] = p.steps;
    expect(s1).toMatchObject({ kind: 'session', session: { id: '$1', name: 'claude-agent-1' }, panes: [{ id: '%100', pid: 100, startTime: 700 }] });
    // The zombie child is not a target of the session: it is already dead, its own step reaps it.
    expect(s1!.kind === 'session' && s1!.processes.map((t) => [t.pid, t.startTime])).toEqual([
      [100, 700],
      [101, 707],
    ]);
    expect(l!.kind === 'leaked' && l!.processes.map((t) => t.pid)).toEqual([300, 301]);
    // The zombie's parent is already a target of step 1: the zombie step only waits for the reaping.
    expect(z).toMatchObject({ kind: 'zombies', parent: { pid: 100 }, parentStep: 1, zombies: [{ pid: 102, startTime: 714 }] });
    expect(
      planTargets(p)
        .map((t) => t.pid)
        .sort(),
    ).toEqual([100, 101, 300, 301]);
    expect(p.steps.flatMap((s) => (s.kind === 'session' ? [s.session.id] : []))).not.toContain('$2');
  });

  it('reports what no plan fixes, with why: ghosts, out-of-scope zombies, untraced leftovers', () => {
    const left = plan(world()).left.map((l) => l.what);
    expect(left).toEqual(['1 zombie of pid 800 (cmd800)', 'ghost agent g-1 (session agent_g-1)', '1 untraced leftover (pids 500)']);
  });

  it('each intent takes only its part', () => {
    expect(plan(world(), { kind: 'kill-orphans' }).steps.map((s) => s.kind)).toEqual(['session', 'leaked']);
    expect(plan(world(), { kind: 'kill-leaked' }).steps.map((s) => s.kind)).toEqual(['leaked']);
    const z = plan(world(), { kind: 'reap-zombies' });
    expect(z.steps).toMatchObject([{ kind: 'zombies', parentStep: null }]);
    expect(plan(world(), { kind: 'kill-session', sessionId: '$2' }).steps).toMatchObject([
      { kind: 'session', reason: 'chosen by hand', session: { id: '$2' } },
    ]);
  });

  it('refuses a session that is not an agent session on this server', () => {
    const p = plan(world(), { kind: 'kill-session', sessionId: '$77' });
    expect(p.refused).toBe('no agent session $77 on this server');
    expect(p.steps).toEqual([]);
  });

  // Rule 6 (issue 12): zombies never cost an active agent.
  describe('zombies of a parent inside an active agent session', () => {
    const snap = snapshot({
      sessions: [sess('$3', 'agent_x', [600], { status: 'active', reasons: [], reason: null })],
      processes: [proc(600, { sessionId: '$3' })],
      zombies: [zombie(601, 600, true)],
    });

    it('a reap, or z with no session chosen, only nudges the parent (SIGCHLD) and says so', () => {
      for (const intent of [{ kind: 'reap' }, { kind: 'reap-zombies' }, { kind: 'reap-zombies', endParentsOf: '$9' }] as const) {
        const step = plan(snap, intent).steps.find((s) => s.kind === 'zombies')!;
        expect(step).toMatchObject({ kind: 'zombies', nudgeOnly: true, parentStep: null, parent: { pid: 600, role: 'zombie-parent' } });
        expect(step.reason).toBe(
          '1 zombie of a process of session $3; its parent is in active session $3 agent_x: SIGCHLD only, reported (ending it is your choice: z on that session in the console)',
        );
      }
    });

    it('z on that session may end the parent, and the step carries the warning whole', () => {
      const p = plan(snap, { kind: 'reap-zombies', endParentsOf: '$3' });
      expect(intentLabel(p.intent)).toBe('reap zombies, ending their parents in session $3');
      expect(p.steps[0]).toMatchObject({
        nudgeOnly: false,
        reason: '1 zombie of a process of session $3; if it must be terminated, active session $3 agent_x ends with it',
      });
    });
  });

  it('zombies of the tmux server: a nudge step, the server never a target', () => {
    const p = plan(snapshot({ zombies: [zombie(120, 50, true, true)] }), { kind: 'reap-zombies' });
    expect(p.steps).toMatchObject([
      {
        kind: 'zombies',
        nudgeOnly: true,
        parentStep: null,
        parent: { pid: 50, startTime: 350, role: 'tmux-server' },
        reason: '1 dead agent pane process the tmux server has not reaped',
      },
    ]);
    expect(planTargets(p)).toEqual([{ pid: 50, startTime: 350, command: 'cmd50', role: 'tmux-server' }]);
  });

  describe('shutdown', () => {
    // Rule 5 (issue 12): an ancestor that is the orchestrator stays it, and is never shut down from inside.
    it('refuses when orch-top runs inside the orchestrator, and as root when only the program name matched', () => {
      const w = world();
      const inside = plan({ ...w, orchestrators: [{ ...orch(400, null), ancestor: true }] }, { kind: 'shutdown' });
      expect(inside.steps).toEqual([]);
      expect(inside.refused).toBe(
        'orch-top runs inside orchestrator pid 400 (it is an ancestor): a shutdown would kill orch-top itself; run --shutdown from outside it',
      );
      const byName = { ...w, orchestrators: [{ ...orch(400, null), matchedBy: 'program' as const, command: 'real_mcp_server.py' }] };
      expect(makePlan(byName, { kind: 'shutdown' }, { graceMs: 1000, server: {}, asRoot: true }).refused).toBe(
        'as root, orchestrator pid 400 is only matched by its program name (real_mcp_server.py): name it with --orchestrator-pid',
      );
      expect(makePlan(byName, { kind: 'shutdown' }, { graceMs: 1000, server: {} }).refused).toBeNull();
      const byScript = { ...w, orchestrators: [{ ...orch(400, null), matchedBy: 'script' as const }] };
      expect(makePlan(byScript, { kind: 'shutdown' }, { graceMs: 1000, server: {}, asRoot: true }).refused).toBeNull();
    });

    it('stops the orchestrator tree in phase 1, then its sessions, leaks and zombies in phase 2', () => {
      // Unplaced, it owns every session (as classify says in ownedBy).
      const w = world();
      const snap = {
        ...w,
        sessions: w.sessions.map((x) => ({ ...x, ownedBy: 400 })),
        orchestrators: [orch(400, null, [401])],
        processes: [...w.processes, proc(401, { role: 'orchestrator-child', ppid: 400 })],
      };
      const p = plan(snap, { kind: 'shutdown' });
      expect(p.steps[0]).toMatchObject({
        kind: 'orchestrator',
        phase: 1,
        processes: [
          { pid: 400, startTime: 2800, role: 'orchestrator' },
          { pid: 401, role: 'orchestrator-child' },
        ],
      });
      expect(p.steps.slice(1).every((s) => s.phase === 2)).toBe(true);
      // With the orchestrator going, its active sessions go too.
      expect(p.steps.flatMap((s) => (s.kind === 'session' ? [s.session.id] : []))).toEqual(['$1', '$2']);
    });

    it('refuses when several orchestrators run and none is chosen; a pid chooses, and the other project keeps its sessions', () => {
      const mine = sess('$1', 'agent_a', [100], {
        status: 'active',
        reasons: [],
        reason: null,
        ownedBy: 400,
        agent: {
          agentId: 'a',
          taskId: null,
          type: null,
          project: 'A',
          workspace: '/A',
          registryStatus: 'running',
          registrySource: 'sqlite',
          taskDescription: null,
        },
      });
      const theirs = sess('$2', 'agent_b', [200], {
        status: 'active',
        reasons: [],
        reason: null,
        ownedBy: 410,
        agent: {
          agentId: 'b',
          taskId: null,
          type: null,
          project: 'B',
          workspace: '/B',
          registryStatus: 'running',
          registrySource: 'sqlite',
          taskDescription: null,
        },
      });
      const snap = snapshot({
        orchestrators: [orch(400, '/A'), orch(410, '/B')],
        sessions: [mine, theirs],
        processes: [proc(100, { sessionId: '$1' }), proc(200, { sessionId: '$2' }), proc(400), proc(410)],
      });
      const refused = plan(snap, { kind: 'shutdown' });
      expect(refused.refused).toMatch(/^2 orchestrators are running \(pids 400, 410; workspaces \/A, \/B\): choose one/);
      expect(refused.steps).toEqual([]);
      const chosen = plan(snap, { kind: 'shutdown', orchestratorPid: 400 });
      expect(chosen.steps.map((s) => (s.kind === 'session' ? s.session.id : s.kind))).toEqual(['orchestrator', '$1']);
      expect(plan(snap, { kind: 'shutdown', orchestratorPid: 999 }).refused).toBe('orchestrator pid 999 is not running');
    });

    it('with no orchestrator running, cleans what it left and says so', () => {
      const p = plan(world(), { kind: 'shutdown' });
      expect(p.steps.some((s) => s.kind === 'orchestrator')).toBe(false);
      expect(p.steps.map((s) => s.kind)).toContain('session');
      expect(p.left[0]).toMatchObject({ what: 'the orchestrator' });
    });
  });
});
