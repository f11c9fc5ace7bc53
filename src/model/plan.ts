// Every destructive act is first a Plan: a pure function of one snapshot and an intent, listing each
// step with its exact targets — sessions by id and exact name, processes as (pid, start time) — and
// why each is there. The same plan is printed by --dry-run, executed by --reap/--shutdown, shown by
// the console's confirm dialog, and asserted on by the tests. Nothing here reads the world.

import { FINDING_KINDS, findingSpec } from './findings.js';
import type { Intent } from './intent.js';
import { hardOverLimit } from './limits.js';
import { childrenOf, descendantsOf } from './process-index.js';
import { sameSession, serverOf, serversLine, serverTarget, sessionKey } from './servers.js';
import type { OrchestratorView, ProcessView, SessionView, Snapshot, TmuxServer, ZombieView } from './types.js';

export { intentLabel, intentName, type Intent } from './intent.js';

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

/** A tmux server a plan acts on: a session id means nothing without it. */
export interface PlanServer {
  /** Its label: "default", "-L name", "-S path". */
  socket: string;
  target: TmuxServer;
  socketPath: string | null;
  /** The server the session ids belong to: a restarted server reuses ids. */
  serverPid: number | null;
}

/** Its processes first (SIGTERM), then `kill-session` by id on its server, SIGKILL the survivors, verify. */
export interface SessionStep extends StepBase {
  kind: 'session';
  session: { id: string; name: string; created: number };
  /** The server the session is on: it is checked (id and name) and killed there only. */
  server: PlanServer;
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
  /** SIGCHLD only, never terminate the parent (the tmux server, or a parent inside an active agent session). */
  nudgeOnly: boolean;
  zombies: ProcTarget[];
}

export type Step = OrchestratorStep | SessionStep | LeakedStep | ZombieStep;

export interface Plan {
  version: 1;
  intent: Intent;
  /** ISO-8601 of the snapshot the plan was made from. */
  basedOn: string;
  /** The first (or only) server watched; each session step names its own (`SessionStep.server`). */
  server: TmuxServer;
  /** The servers watched, for people ("default", "-L a, -L b"). */
  socket: string;
  /** The first server's socket path. */
  socketPath: string | null;
  /** The first server's pid. */
  serverPid: number | null;
  /** Every running server of the look: never signalled but for SIGCHLD. */
  servers?: PlanServer[];
  graceMs: number;
  steps: Step[];
  /** Findings the plan leaves alone, each with why (ghosts, out-of-scope zombie parents, strays). */
  left: { what: string; why: string }[];
  /** Why the plan must not run at all (e.g. which orchestrator to stop is unclear), else null. */
  refused: string | null;
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
  /** orch-top runs as root: a shutdown then needs --orchestrator-pid or a match of an interpreter running the script. */
  asRoot?: boolean;
}

interface Scope {
  orchestrator: OrchestratorView | null;
  sessions: SessionView[];
  withLeaked: boolean;
  withZombies: boolean;
  left: Plan['left'];
  refused: string | null;
  /** Sessions in scope for being over a hard limit (a reap with enforceLimits), with why. */
  overLimit: Map<string, string[]>;
}

const none = (): Scope => ({ orchestrator: null, sessions: [], withLeaked: false, withZombies: false, left: [], refused: null, overLimit: new Map() });

/** A reap: the orphans, and with enforceLimits the sessions over a hard limit (after them, in session order). */
function reapScope(snap: Snapshot, enforceLimits: boolean): Scope {
  const over = enforceLimits ? hardOverLimit(snap) : new Map<string, string[]>();
  const orphans = snap.sessions.filter((s) => s.status === 'orphan');
  const limited = snap.sessions.filter((s) => s.status !== 'orphan' && over.has(sessionKey(s.server, s.id)));
  return { ...none(), sessions: [...orphans, ...limited], withLeaked: true, withZombies: true, overLimit: over };
}

/** A shutdown's scope: one orchestrator (named, or the only one running) and the sessions it owns. */
/** Why a shutdown must not stop this orchestrator, or null. */
function shutdownRefusal(o: OrchestratorView, asRoot: boolean): string | null {
  if (o.ancestor)
    return `orch-top runs inside orchestrator pid ${o.pid} (it is an ancestor): a shutdown would kill orch-top itself; run --shutdown from outside it`;
  if (asRoot && o.how === 'match' && o.matchedBy !== 'script')
    return `as root, orchestrator pid ${o.pid} is only matched by its program name (${o.command}): name it with --orchestrator-pid`;
  return null;
}

function shutdownScope(snap: Snapshot, orchestratorPid: number | undefined, asRoot: boolean): Scope {
  const scope = none();
  const running = snap.orchestrators.filter((o) => o.running);
  if (orchestratorPid !== undefined) {
    scope.orchestrator = running.find((o) => o.pid === orchestratorPid) ?? null;
    if (!scope.orchestrator) return { ...scope, refused: `orchestrator pid ${orchestratorPid} is not running` };
  } else if (running.length > 1) {
    const workspaces = running.some((o) => o.workspace) ? `; workspaces ${running.map((o) => o.workspace ?? '?').join(', ')}` : '';
    return {
      ...scope,
      refused: `${running.length} orchestrators are running (pids ${running.map((o) => o.pid).join(', ')}${workspaces}): choose one with --orchestrator-pid or --workspace`,
    };
  } else scope.orchestrator = running[0] ?? null;
  const orchestrator = scope.orchestrator;
  const refused = orchestrator ? shutdownRefusal(orchestrator, asRoot) : null;
  if (refused) return { ...scope, refused };
  // Its sessions are those the model says it owns (its workspace's, by real path); with none
  // running, every orphan nobody owns.
  // Only the reference orchestrator's: a manager's session (claude-squad's, agent-deck's) is no part of its shutdown.
  scope.sessions = snap.sessions.filter(
    (s) => (s.source ?? 'orchestrator') === 'orchestrator' && (orchestrator ? s.ownedBy === orchestrator.pid : s.ownedBy === null && s.status === 'orphan'),
  );
  scope.withLeaked = scope.withZombies = true;
  if (!orchestrator) scope.left.push({ what: 'the orchestrator', why: snap.orchestratorError ?? 'not running: only what it left behind is cleaned up' });
  return scope;
}

/** Which orchestrator, sessions, leaks and zombies an intent is about. */
function scopeOf(snap: Snapshot, intent: Intent, asRoot: boolean): Scope {
  const orphans = () => snap.sessions.filter((s) => s.status === 'orphan');
  switch (intent.kind) {
    case 'reap':
      return reapScope(snap, intent.enforceLimits === true);
    case 'kill-orphans':
      // The console's K: every orphan, sessions and the processes that outlived theirs.
      return { ...none(), sessions: orphans(), withLeaked: true };
    case 'kill-session': {
      const found = snap.sessions.filter((x) => sameSession({ sessionId: intent.sessionId, server: intent.server ?? null }, x));
      if (found.length > 1)
        return { ...none(), refused: `session ${intent.sessionId} is on several tmux servers (${found.map((x) => x.server).join(', ')}): name one` };
      return found[0]
        ? { ...none(), sessions: [found[0]] }
        : { ...none(), refused: `no agent session ${intent.sessionId} on ${intent.server && snap.tmux.length > 1 ? `tmux ${intent.server}` : 'this server'}` };
    }
    case 'kill-leaked':
      return { ...none(), withLeaked: true };
    case 'reap-zombies':
      return { ...none(), withZombies: true };
    case 'shutdown':
      return shutdownScope(snap, intent.orchestratorPid, asRoot);
  }
}

/** The plan being built: its steps, and which step owns each pid (a pid is planned once: the first step that claims it). */
interface Draft {
  snap: Snapshot;
  procs: Map<number, ProcessView>;
  steps: Step[];
  claimed: Map<number, number>;
  phase: number;
  left: Plan['left'];
}

function target(d: Draft, pid: number, role?: string): ProcTarget | null {
  const v = d.procs.get(pid);
  return v ? { pid, startTime: v.startTime, command: v.command, role: role ?? v.role } : null;
}

function claim(d: Draft, list: (ProcTarget | null)[], stepId: number): ProcTarget[] {
  const out: ProcTarget[] = [];
  for (const t of list) {
    if (!t || d.claimed.has(t.pid)) continue;
    d.claimed.set(t.pid, stepId);
    out.push(t);
  }
  return out;
}

/** Phase 1 of a shutdown: the orchestrator's own tree. */
function orchestratorStep(d: Draft, o: OrchestratorView): void {
  const id = d.steps.length + 1;
  const root = target(d, o.pid, 'orchestrator') ?? { pid: o.pid, startTime: o.startTime, command: o.command, role: 'orchestrator' };
  const tree = [root, ...o.children.map((c) => target(d, c, 'orchestrator-child'))];
  d.steps.push({
    id,
    phase: d.phase,
    kind: 'orchestrator',
    reason: `orchestrator (${o.how}${o.workspace ? `, workspace ${o.workspace}` : ''})`,
    processes: claim(d, tree, id),
  });
  d.phase++;
}

function sessionReason(s: SessionView, intent: Intent, overLimit: string[] | undefined): string {
  if (s.status === 'orphan') return `orphan: ${s.reason}`;
  if (intent.kind === 'shutdown') return 'agent session of the orchestrator being shut down';
  return overLimit ? `over limit: ${overLimit.join('; ')}` : 'chosen by hand';
}

/** The server a session is on, as the plan names it. */
function planServer(snap: Snapshot, label: string): PlanServer {
  const t = serverOf(snap, label);
  return { socket: label, target: serverTarget(label), socketPath: t?.socketPath ?? null, serverPid: t?.running ? t.serverPid : null };
}

/** Sessions, with every process of theirs. */
function sessionSteps(d: Draft, sessions: SessionView[], intent: Intent, overLimit: Map<string, string[]>): void {
  for (const s of sessions) {
    const id = d.steps.length + 1;
    const panes: PaneTarget[] = s.panes.map((p) => ({ id: p.id, pid: p.pid, startTime: d.procs.get(p.pid)?.startTime ?? null }));
    d.steps.push({
      id,
      phase: d.phase,
      kind: 'session',
      reason: sessionReason(s, intent, overLimit.get(sessionKey(s.server, s.id))),
      session: { id: s.id, name: s.name, created: s.created },
      server: planServer(d.snap, s.server),
      panes,
      // A zombie is already dead: its own step gets it reaped.
      processes: claim(
        d,
        s.processes.filter((pid) => d.procs.get(pid)?.state !== 'Z').map((pid) => target(d, pid)),
        id,
      ),
    });
  }
}

/** Leaked processes, a step per root with its leaked children. */
function leakedSteps(d: Draft): void {
  const leaked = new Map(d.snap.leaked.map((l) => [l.pid, l]));
  const kids = childrenOf(d.snap.leaked.filter((l) => leaked.has(l.ppid)));
  for (const l of d.snap.leaked) {
    if (leaked.has(l.ppid) || d.claimed.has(l.pid)) continue;
    const tree = [l.pid, ...descendantsOf(kids, l.pid)].map((pid) => {
      const v = leaked.get(pid)!;
      return { pid, startTime: v.startTime, command: v.command, role: 'leaked' };
    });
    const id = d.steps.length + 1;
    d.steps.push({ id, phase: d.phase, kind: 'leaked', reason: `leaked: ${l.reason}`, processes: claim(d, tree, id) });
  }
}

const zombieTargets = (zs: ZombieView[]): ProcTarget[] => zs.map((z) => ({ pid: z.pid, startTime: z.startTime, command: z.command, role: 'zombie' }));

/** Dead agent panes' processes the tmux server has not reaped: a nudge is all it needs, and the server is never terminated. */
function serverZombieStep(d: Draft, ppid: number, zs: ZombieView[]): void {
  const first = zs[0]!;
  if (first.parentStartTime === null) return;
  d.steps.push({
    id: d.steps.length + 1,
    phase: d.phase,
    kind: 'zombies',
    reason: `${zs.length} dead agent pane process${zs.length === 1 ? '' : 'es'} the tmux server has not reaped`,
    parent: { pid: ppid, startTime: first.parentStartTime, command: first.parentCommand ?? 'tmux server', role: 'tmux-server' },
    parentStep: null,
    nudgeOnly: true,
    zombies: zombieTargets(zs),
  });
}

/** The active agent session a zombie parent lives in (and that no step of this plan ends), or null. */
function activeHome(d: Draft, ppid: number, parentView: ProcessView): SessionView | null {
  if (d.claimed.has(ppid) || !parentView.sessionId) return null;
  const home = d.snap.sessions.find((x) => sameSession(parentView, x));
  // A contested session is treated as active: nothing of it is ended for a zombie.
  return home && home.status !== 'orphan' ? home : null;
}

/**
 * Zombies of one parent. Ending a parent is for orphan sessions, leaked processes and the user's
 * explicit choice: a parent inside an active agent session is only nudged (SIGCHLD) and reported,
 * unless the intent names that session (endParentsOf), when the step carries the warning whole.
 */
function parentZombieStep(d: Draft, ppid: number, zs: ZombieView[], intent: Intent): void {
  const parentView = d.procs.get(ppid);
  if (!parentView) return;
  const home = activeHome(d, ppid, parentView);
  const chosen =
    home !== null && intent.kind === 'reap-zombies' && sameSession({ sessionId: intent.endParentsOf ?? null, server: intent.endParentsServer ?? null }, home);
  const ends = parentView.role === 'pane' ? 'ends with it' : 'loses that process';
  const cost = !home
    ? ''
    : chosen
      ? `; if it must be terminated, active session ${home.id} ${home.name} ${ends}`
      : `; its parent is in active session ${home.id} ${home.name}: SIGCHLD only, reported (ending it is your choice: z on that session in the console)`;
  const whose =
    parentView.role === 'leaked' ? 'a leaked process' : parentView.sessionId ? `a process of session ${parentView.sessionId}` : "the orchestrator's tree";
  d.steps.push({
    id: d.steps.length + 1,
    phase: d.phase,
    kind: 'zombies',
    reason: `${zs.length} zombie${zs.length === 1 ? '' : 's'} of ${whose}${cost}`,
    parent: { pid: ppid, startTime: parentView.startTime, command: parentView.command, role: 'zombie-parent' },
    parentStep: d.claimed.get(ppid) ?? null,
    nudgeOnly: home !== null && !chosen,
    zombies: zombieTargets(zs),
  });
}

/** Zombies, grouped by parent; those of a parent out of scope are left alone, with why. */
function zombieSteps(d: Draft, intent: Intent): void {
  const byParent = new Map<number, ZombieView[]>();
  for (const z of d.snap.zombies) byParent.set(z.ppid, [...(byParent.get(z.ppid) ?? []), z]);
  for (const [ppid, zs] of byParent) {
    const first = zs[0]!;
    if (!first.parentInScope)
      d.left.push({
        what: `${zs.length} zombie${zs.length === 1 ? '' : 's'} of pid ${ppid} (${first.parentCommand ?? '?'})`,
        why: ppid === 1 ? 'init reaps its own zombies' : "the parent is outside the orchestrator's scope: only its own wait() or its exit reaps them",
      });
    else if (first.parentIsTmuxServer) serverZombieStep(d, ppid, zs);
    else parentZombieStep(d, ppid, zs, intent);
  }
}

/** What no plan fixes: each kind's own words (model/findings.ts), and the leftovers no agent could be traced to. */
function leftAlone(snap: Snapshot, intent: Intent): Plan['left'] {
  const out: Plan['left'] = [];
  for (const k of FINDING_KINDS) {
    const spec = findingSpec(k);
    if (spec.leftAlone?.intents.includes(intent.kind)) out.push(...spec.leftAlone.lines(spec.items(snap), intent));
  }
  if ((intent.kind === 'reap' || intent.kind === 'shutdown') && snap.strays.length)
    out.push({
      what: `${snap.strays.length} untraced leftover${snap.strays.length === 1 ? '' : 's'} (pids ${snap.strays.map((s) => s.pid).join(', ')})`,
      why: 'their pane on this server is gone but no agent could be traced: orch-top kills nothing it cannot attribute',
    });
  return out;
}

export function makePlan(snap: Snapshot, intent: Intent, opts: PlanOptions): Plan {
  const scope = scopeOf(snap, intent, opts.asRoot ?? false);
  const d: Draft = { snap, procs: new Map(snap.processes.map((p) => [p.pid, p])), steps: [], claimed: new Map(), phase: 1, left: scope.left };
  if (!scope.refused) {
    if (scope.orchestrator) orchestratorStep(d, scope.orchestrator);
    sessionSteps(d, scope.sessions, intent, scope.overLimit);
    if (scope.withLeaked) leakedSteps(d);
    if (scope.withZombies) zombieSteps(d, intent);
    d.left.push(...leftAlone(snap, intent));
  }
  return {
    version: 1,
    intent,
    basedOn: snap.takenAt,
    server: opts.server,
    socket: serversLine(snap),
    socketPath: snap.tmux[0]?.socketPath ?? null,
    serverPid: snap.tmux[0]?.serverPid ?? null,
    servers: snap.tmux.filter((t) => t.running).map((t) => planServer(snap, t.socket)),
    graceMs: opts.graceMs,
    steps: scope.refused ? [] : d.steps,
    left: d.left,
    refused: scope.refused,
  };
}
