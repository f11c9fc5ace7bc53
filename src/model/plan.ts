// Every destructive act is first a Plan: a pure function of one snapshot and an intent, listing each
// step with its exact targets — sessions by id and exact name, processes as (pid, start time) — and
// why each is there. The same plan is printed by --dry-run, executed by --reap/--shutdown, shown by
// the console's confirm dialog, and asserted on by the tests. Nothing here reads the world.

import type { OrchestratorView, ProcessView, SessionView, Snapshot, TmuxServer } from './types.js';

export type Intent =
  | { kind: 'reap' } // orphan sessions, leaked processes, in-scope zombies
  | { kind: 'kill-orphans' } // orphan sessions and leaked processes (no zombies)
  | { kind: 'kill-session'; sessionId: string }
  | { kind: 'kill-leaked' }
  | { kind: 'reap-zombies' }
  | { kind: 'shutdown'; orchestratorPid?: number }; // the orchestrator, then its sessions, leaks and zombies

export interface ProcTarget {
  pid: number;
  startTime: number;
  command: string;
  /** pane, descendant, session-member, orchestrator, orchestrator-child, leaked, zombie-parent, zombie */
  role: string;
}

export interface PaneTarget {
  id: string;
  pid: number;
  /** The pane process's start time, so a reused pid is never taken for the pane's session id. */
  startTime: number | null;
}

interface StepBase {
  /** 1-based, in plan order. */
  id: number;
  /** Steps of one phase run together and share one grace period; phases run in order. */
  phase: number;
  reason: string;
}

/** SIGTERM the tree, wait up to the grace period, SIGKILL what is left, confirm it is gone. */
export interface OrchestratorStep extends StepBase {
  kind: 'orchestrator';
  processes: ProcTarget[];
}

/** Its processes first (SIGTERM), then `kill-session` by id, SIGKILL the survivors, verify. */
export interface SessionStep extends StepBase {
  kind: 'session';
  session: { id: string; name: string; created: number };
  panes: PaneTarget[];
  processes: ProcTarget[];
}

export interface LeakedStep extends StepBase {
  kind: 'leaked';
  processes: ProcTarget[];
}

/** SIGCHLD to the parent; if it does not reap and is in scope, terminate it so init reaps them. */
export interface ZombieStep extends StepBase {
  kind: 'zombies';
  parent: ProcTarget;
  /** Step that already terminates the parent (its session or leak), or null. */
  parentStep: number | null;
  /** SIGCHLD only, never terminate the parent (the tmux server). */
  nudgeOnly: boolean;
  zombies: ProcTarget[];
}

export type Step = OrchestratorStep | SessionStep | LeakedStep | ZombieStep;

export interface Plan {
  version: 1;
  intent: Intent;
  /** ISO-8601 of the snapshot the plan was made from. */
  basedOn: string;
  server: TmuxServer;
  socket: string;
  /** The server's socket path: how $TMUX of its panes' processes reads (to find what left a pane). */
  socketPath: string | null;
  /** The tmux server the session ids belong to: a restarted server reuses ids. */
  serverPid: number | null;
  graceMs: number;
  steps: Step[];
  /** Findings the plan leaves alone, each with why (ghosts, out-of-scope zombie parents, strays). */
  left: { what: string; why: string }[];
  /** Why the plan must not run at all (e.g. which orchestrator to stop is unclear), else null. */
  refused: string | null;
}

export function intentLabel(intent: Intent): string {
  switch (intent.kind) {
    case 'reap':
      return 'reap (orphan sessions, leaked processes, zombies)';
    case 'kill-orphans':
      return 'kill orphans (orphan sessions and leaked processes)';
    case 'kill-session':
      return `kill session ${intent.sessionId}`;
    case 'kill-leaked':
      return 'kill leaked processes';
    case 'reap-zombies':
      return 'reap zombies';
    case 'shutdown':
      return 'graceful shutdown of the orchestrator';
  }
}

/** A short name for one-line messages ("kill orphans", "shutdown"). */
export function intentName(intent: Intent): string {
  return intent.kind === 'shutdown' ? 'shutdown' : intentLabel(intent).replace(/ \(.*\)$/, '');
}

/** Every (pid, start time) a plan may signal, for the executor's bookkeeping and the tests. */
export function planTargets(plan: Plan): ProcTarget[] {
  const out: ProcTarget[] = [];
  for (const s of plan.steps) {
    if (s.kind === 'zombies') {
      if (s.parentStep === null) out.push(s.parent);
    } else out.push(...s.processes);
  }
  return out;
}

export function planIsEmpty(plan: Plan): boolean {
  return plan.steps.length === 0;
}

export interface PlanOptions {
  graceMs: number;
  server: TmuxServer;
}

export function makePlan(snap: Snapshot, intent: Intent, opts: PlanOptions): Plan {
  const procs = new Map<number, ProcessView>(snap.processes.map((p) => [p.pid, p]));
  const steps: Step[] = [];
  const left: Plan['left'] = [];
  let refused: string | null = null;
  const target = (pid: number, role?: string): ProcTarget | null => {
    const v = procs.get(pid);
    return v ? { pid, startTime: v.startTime, command: v.command, role: role ?? v.role } : null;
  };
  // A pid is planned once: the first step that claims it owns it.
  const claimed = new Map<number, number>();
  const claim = (list: (ProcTarget | null)[], stepId: number): ProcTarget[] => {
    const out: ProcTarget[] = [];
    for (const t of list) {
      if (!t || claimed.has(t.pid)) continue;
      claimed.set(t.pid, stepId);
      out.push(t);
    }
    return out;
  };
  let phase = 1;

  // ---- which sessions, leaks and zombies ---------------------------------------------------------
  let sessions: SessionView[] = [];
  let withLeaked = false;
  let withZombies = false;
  let orchestrator: OrchestratorView | null = null;
  switch (intent.kind) {
    case 'reap':
      sessions = snap.sessions.filter((s) => s.status === 'orphan');
      withLeaked = withZombies = true;
      break;
    case 'kill-orphans':
      // The console's K: every orphan, sessions and the processes that outlived theirs.
      sessions = snap.sessions.filter((s) => s.status === 'orphan');
      withLeaked = true;
      break;
    case 'kill-session': {
      const s = snap.sessions.find((x) => x.id === intent.sessionId);
      if (s) sessions = [s];
      else refused = `no agent session ${intent.sessionId} on this server`;
      break;
    }
    case 'kill-leaked':
      withLeaked = true;
      break;
    case 'reap-zombies':
      withZombies = true;
      break;
    case 'shutdown': {
      const all = snap.orchestrators;
      const running = all.filter((o) => o.running);
      if (intent.orchestratorPid !== undefined) {
        orchestrator = running.find((o) => o.pid === intent.orchestratorPid) ?? null;
        if (!orchestrator) refused = `orchestrator pid ${intent.orchestratorPid} is not running`;
      } else if (running.length > 1) {
        refused = `${running.length} orchestrators are running (pids ${running.map((o) => o.pid).join(', ')}${running.some((o) => o.workspace) ? `; workspaces ${running.map((o) => o.workspace ?? '?').join(', ')}` : ''}): choose one with --orchestrator-pid or --workspace`;
      } else orchestrator = running[0] ?? null;
      if (!refused) {
        // Its sessions are those the model says it owns (its workspace's, by real path); with none
        // running, every orphan nobody owns.
        sessions = snap.sessions.filter((s) => (orchestrator ? s.ownedBy === orchestrator.pid : s.ownedBy === null && s.status === 'orphan'));
        withLeaked = withZombies = true;
        if (!orchestrator) left.push({ what: 'the orchestrator', why: snap.orchestratorError ?? 'not running: only what it left behind is cleaned up' });
      }
      break;
    }
  }

  if (refused) return finish();

  // ---- phase 1 of a shutdown: the orchestrator's own tree ----------------------------------------
  if (orchestrator) {
    const id = steps.length + 1;
    const tree = [target(orchestrator.pid, 'orchestrator') ?? { pid: orchestrator.pid, startTime: orchestrator.startTime, command: orchestrator.command, role: 'orchestrator' }, ...orchestrator.children.map((c) => target(c, 'orchestrator-child'))];
    steps.push({ id, phase, kind: 'orchestrator', reason: `orchestrator (${orchestrator.how}${orchestrator.workspace ? `, workspace ${orchestrator.workspace}` : ''})`, processes: claim(tree, id) });
    phase++;
  }

  // ---- sessions, with every process of theirs ----------------------------------------------------
  for (const s of sessions) {
    const id = steps.length + 1;
    const panes: PaneTarget[] = s.panes.map((p) => ({ id: p.id, pid: p.pid, startTime: procs.get(p.pid)?.startTime ?? null }));
    steps.push({
      id,
      phase,
      kind: 'session',
      reason: s.status === 'orphan' ? `orphan: ${s.reason}` : intent.kind === 'shutdown' ? 'agent session of the orchestrator being shut down' : 'chosen by hand',
      session: { id: s.id, name: s.name, created: s.created },
      panes,
      // A zombie is already dead: its own step gets it reaped.
      processes: claim(s.processes.filter((pid) => procs.get(pid)?.state !== 'Z').map((pid) => target(pid)), id),
    });
  }

  // ---- leaked processes, a step per root with its leaked children --------------------------------
  if (withLeaked) {
    const leakedPids = new Set(snap.leaked.map((l) => l.pid));
    const kids = new Map<number, number[]>();
    for (const l of snap.leaked) if (leakedPids.has(l.ppid)) kids.set(l.ppid, [...(kids.get(l.ppid) ?? []), l.pid]);
    for (const l of snap.leaked) {
      if (leakedPids.has(l.ppid) || claimed.has(l.pid)) continue;
      const tree: ProcTarget[] = [];
      const stack = [l.pid];
      while (stack.length) {
        const pid = stack.shift()!;
        const v = snap.leaked.find((x) => x.pid === pid)!;
        tree.push({ pid, startTime: v.startTime, command: v.command, role: 'leaked' });
        stack.push(...(kids.get(pid) ?? []));
      }
      const id = steps.length + 1;
      steps.push({ id, phase, kind: 'leaked', reason: `leaked: ${l.reason}`, processes: claim(tree, id) });
    }
  }

  // ---- zombies, grouped by parent ------------------------------------------------------------------
  if (withZombies) {
    const byParent = new Map<number, typeof snap.zombies>();
    for (const z of snap.zombies) byParent.set(z.ppid, [...(byParent.get(z.ppid) ?? []), z]);
    for (const [ppid, zs] of byParent) {
      const first = zs[0]!;
      if (!first.parentInScope) {
        left.push({
          what: `${zs.length} zombie${zs.length === 1 ? '' : 's'} of pid ${ppid} (${first.parentCommand ?? '?'})`,
          why: ppid === 1 ? 'init reaps its own zombies' : 'the parent is outside the orchestrator\'s scope: only its own wait() or its exit reaps them',
        });
        continue;
      }
      if (first.parentIsTmuxServer) {
        // Dead agent panes' processes the server has not reaped (it lost a SIGCHLD): a nudge is all
        // it needs, and the server is never terminated.
        if (first.parentStartTime === null) continue;
        const id = steps.length + 1;
        steps.push({
          id,
          phase,
          kind: 'zombies',
          reason: `${zs.length} dead agent pane process${zs.length === 1 ? '' : 'es'} the tmux server has not reaped`,
          parent: { pid: ppid, startTime: first.parentStartTime, command: first.parentCommand ?? 'tmux server', role: 'tmux-server' },
          parentStep: null,
          nudgeOnly: true,
          zombies: zs.map((z) => ({ pid: z.pid, startTime: z.startTime, command: z.command, role: 'zombie' })),
        });
        continue;
      }
      const parentView = procs.get(ppid);
      if (!parentView) continue;
      const id = steps.length + 1;
      const home = parentView.sessionId ? snap.sessions.find((x) => x.id === parentView.sessionId) : undefined;
      // Say so when reaping means ending a live agent: its pane process is the parent.
      const cost =
        claimed.has(ppid) || !home || home.status !== 'active'
          ? ''
          : parentView.role === 'pane'
            ? `; if it must be terminated, active session ${home.id} ${home.name} ends with it`
            : `; if it must be terminated, active session ${home.id} ${home.name} loses that process`;
      steps.push({
        id,
        phase,
        kind: 'zombies',
        reason: `${zs.length} zombie${zs.length === 1 ? '' : 's'} of ${parentView.role === 'leaked' ? 'a leaked process' : parentView.sessionId ? `a process of session ${parentView.sessionId}` : 'the orchestrator\'s tree'}${cost}`,
        parent: { pid: ppid, startTime: parentView.startTime, command: parentView.command, role: 'zombie-parent' },
        parentStep: claimed.get(ppid) ?? null,
        nudgeOnly: false,
        zombies: zs.map((z) => ({ pid: z.pid, startTime: z.startTime, command: z.command, role: 'zombie' })),
      });
    }
  }

  // ---- what no plan fixes --------------------------------------------------------------------------
  if (intent.kind === 'reap' || intent.kind === 'shutdown') {
    for (const g of snap.ghosts)
      left.push({ what: `ghost agent ${g.agentId}${g.tmuxSession ? ` (session ${g.tmuxSession})` : ''}`, why: `the ${g.registrySource} registry says ${g.registryStatus} but no such session exists; orch-top never writes the orchestrator's files` });
    if (snap.strays.length)
      left.push({ what: `${snap.strays.length} untraced leftover${snap.strays.length === 1 ? '' : 's'} (pids ${snap.strays.map((s) => s.pid).join(', ')})`, why: 'their pane on this server is gone but no agent could be traced: orch-top kills nothing it cannot attribute' });
    const growing = snap.fds.filter((f) => f.growth);
    if (growing.length && intent.kind === 'reap')
      left.push({ what: `descriptor growth in ${growing.length} process${growing.length === 1 ? '' : 'es'}`, why: 'a growing count is a bug to fix, not a process to kill' });
  }
  return finish();

  function finish(): Plan {
    return {
      version: 1,
      intent,
      basedOn: snap.takenAt,
      server: opts.server,
      socket: snap.tmux.socket,
      socketPath: snap.tmux.socketPath,
      serverPid: snap.tmux.serverPid,
      graceMs: opts.graceMs,
      steps: refused ? [] : steps,
      left,
      refused,
    };
  }
}
