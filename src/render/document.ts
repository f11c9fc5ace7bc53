// The public JSON documents, mapped field by field from the internal model: the `version: 1` snapshot
// (--snapshot --json) and the cleanup report (--reap/--shutdown --json, and --dry-run). The model may
// change its shapes; these documents change only on purpose (README "The JSON document"), and their
// key order is part of them (scripts diff them). Pure: no I/O, no decisions.

import type { Execution } from '../model/outcome.js';
import type { Plan } from '../model/plan.js';
import type {
  AgentRef,
  FdKinds,
  FdView,
  GhostView,
  LeakedView,
  OrchestratorView,
  OverLimitView,
  PaneView,
  ProcessView,
  SessionView,
  Snapshot,
  Summary,
  ZombieView,
} from '../model/types.js';

const kinds = (k: FdKinds | null) => (k ? { file: k.file, socket: k.socket, pipe: k.pipe, anon: k.anon, other: k.other } : null);

const orchestrator = (o: OrchestratorView) => ({
  pid: o.pid,
  startTime: o.startTime,
  running: o.running,
  how: o.how,
  command: o.command,
  startedAt: o.startedAt,
  cpu: o.cpu,
  rss: o.rss,
  fds: o.fds,
  fdKinds: kinds(o.fdKinds),
  children: [...o.children],
  workspace: o.workspace,
  placedBy: o.placedBy,
  project: o.project,
  ancestor: o.ancestor ?? false,
  matchedBy: o.matchedBy ?? null,
});

const agentRef = (a: AgentRef) => ({
  agentId: a.agentId,
  taskId: a.taskId,
  type: a.type,
  project: a.project,
  workspace: a.workspace,
  registryStatus: a.registryStatus,
  registrySource: a.registrySource,
  taskDescription: a.taskDescription,
});

const pane = (p: PaneView) => ({ id: p.id, pid: p.pid, dead: p.dead, command: p.command });

const session = (s: SessionView) => ({
  id: s.id,
  name: s.name,
  server: s.server,
  created: s.created,
  attached: s.attached,
  matchedBy: s.matchedBy,
  source: s.source,
  ...(s.claimedBy ? { claimedBy: [...s.claimedBy] } : {}),
  agent: s.agent ? agentRef(s.agent) : null,
  project: s.project,
  taskId: s.taskId,
  agentId: s.agentId,
  registryStatus: s.registryStatus,
  registrySource: s.registrySource,
  ownedBy: s.ownedBy,
  status: s.status,
  reasons: [...s.reasons],
  reason: s.reason,
  panes: s.panes.map(pane),
  processes: [...s.processes],
  cpu: s.cpu,
  rss: s.rss,
  fds: s.fds,
});

const proc = (p: ProcessView) => ({
  pid: p.pid,
  startTime: p.startTime,
  ppid: p.ppid,
  pgid: p.pgid,
  sid: p.sid,
  state: p.state,
  command: p.command,
  startedAt: p.startedAt,
  cpu: p.cpu,
  rss: p.rss,
  threads: p.threads,
  fds: p.fds,
  role: p.role,
  sessionId: p.sessionId,
  server: p.server ?? null,
});

const zombie = (z: ZombieView) => ({
  pid: z.pid,
  startTime: z.startTime,
  ppid: z.ppid,
  parentStartTime: z.parentStartTime,
  command: z.command,
  parentCommand: z.parentCommand,
  parentInScope: z.parentInScope,
  parentIsTmuxServer: z.parentIsTmuxServer,
  sessionId: z.sessionId,
  server: z.server ?? null,
  startedAt: z.startedAt,
});

const leaked = (l: LeakedView) => ({
  pid: l.pid,
  startTime: l.startTime,
  ppid: l.ppid,
  sid: l.sid,
  state: l.state,
  command: l.command,
  startedAt: l.startedAt,
  cpu: l.cpu,
  rss: l.rss,
  fds: l.fds,
  pane: l.pane,
  sessionId: l.sessionId,
  server: l.server ?? null,
  sessionName: l.sessionName,
  agentId: l.agentId,
  reason: l.reason,
});

const fd = (f: FdView) => ({
  pid: f.pid,
  startTime: f.startTime,
  command: f.command,
  role: f.role,
  sessionId: f.sessionId,
  server: f.server ?? null,
  count: f.count,
  kinds: kinds(f.kinds),
  trend: f.trend,
  slopePerMin: f.slopePerMin,
  samples: f.samples,
  history: [...f.history],
  growth: f.growth,
});

const ghost = (g: GhostView) => ({
  agentId: g.agentId,
  taskId: g.taskId,
  tmuxSession: g.tmuxSession,
  project: g.project,
  workspace: g.workspace,
  registryStatus: g.registryStatus,
  registrySource: g.registrySource,
  source: g.source,
  server: g.server,
});

const overLimit = (o: OverLimitView) => ({
  sessionId: o.sessionId,
  sessionName: o.sessionName,
  agentId: o.agentId,
  project: o.project,
  agentType: o.agentType,
  limit: o.limit,
  hard: o.hard,
  value: o.value,
  max: o.max,
  unit: o.unit,
  by: o.by,
  since: o.since,
  forMs: o.forMs,
  reason: o.reason,
});

const summaryDocument = (s: Summary) => ({
  sessions: s.sessions,
  orphans: s.orphans,
  zombies: s.zombies,
  zombiesOther: s.zombiesOther,
  leaked: s.leaked,
  strays: s.strays,
  ghosts: s.ghosts,
  fdGrowth: s.fdGrowth,
  overLimit: s.overLimit,
  processes: s.processes,
  findings: s.findings,
});

/** The `version: 1` document of one look. */
export function snapshotDocument(snap: Snapshot) {
  return {
    version: 1 as const,
    takenAt: snap.takenAt,
    tmux: snap.tmux.map((t) => ({
      socket: t.socket,
      socketPath: t.socketPath,
      available: t.available,
      running: t.running,
      stale: t.stale,
      serverPid: t.serverPid,
      error: t.error,
      otherSessions: t.otherSessions,
    })),
    orchestrator: snap.orchestrator ? orchestrator(snap.orchestrator) : null,
    orchestrators: snap.orchestrators.map(orchestrator),
    orchestratorError: snap.orchestratorError,
    workspaces: snap.workspaces.map((w) => ({ path: w.path, project: w.project, how: w.how, readable: w.readable, error: w.error, agents: w.agents })),
    sessions: snap.sessions.map(session),
    processes: snap.processes.map(proc),
    zombies: snap.zombies.map(zombie),
    leaked: snap.leaked.map(leaked),
    strays: snap.strays.map(leaked),
    fds: snap.fds.map(fd),
    ghosts: snap.ghosts.map(ghost),
    overLimit: snap.overLimit.map(overLimit),
    summary: summaryDocument(snap.summary),
    errors: [...snap.errors],
    incomplete: [...snap.incomplete],
  };
}

export type SnapshotDocument = ReturnType<typeof snapshotDocument>;

/** What a cleanup run hands its report: the plan only (--dry-run), or the run and the look after it. */
export type CleanupReport =
  | { dryRun: true; before: Snapshot; plan: Plan }
  | {
      dryRun: false;
      before: Snapshot;
      plan: Plan;
      after: Snapshot;
      execution: Execution;
      /** What is still there, one line each (the document's `clean` is that this is empty). */
      remaining: string[];
      /** Nothing is left and nothing went wrong: a shutdown's report ends "cleanup completed". */
      completed: boolean;
    };

/**
 * The --reap/--shutdown --json document: the look after (before, for --dry-run) and the run. The
 * plan's steps and left list and the executor's results are those modules' own records (the audit
 * log holds the same), carried as they are.
 */
export function reapDocument(r: CleanupReport) {
  const plan = { intent: r.plan.intent, graceMs: r.plan.graceMs };
  if (r.dryRun)
    return { ...snapshotDocument(r.before), dryRun: true as const, ...plan, plan: r.plan.steps, left: r.plan.left, results: [] as Execution['results'] };
  return {
    ...snapshotDocument(r.after),
    dryRun: false as const,
    ...plan,
    before: summaryDocument(r.before.summary),
    plan: r.plan.steps,
    left: r.plan.left,
    results: r.execution.results,
    durationMs: r.execution.durationMs,
    clean: r.remaining.length === 0,
    remaining: r.remaining,
  };
}
