// Every rule about what orch-top sees, as one pipeline of pure steps over what the collectors read:
// the process index and the never-touch set, the registry, the orchestrators, the agent sessions and
// their orphans, the leaks, the processes' figures and descriptors, the zombies, the ghosts, and the
// summary. Each step is its own module; this one only runs them in order and assembles the Snapshot.
// No I/O, no clock: `raw.takenAt` is "now". The definitions are DESIGN.md's "What counts as a finding".

import { incompleteOf } from './incomplete.js';
import { DEFAULT_CLASSIFY, type ClassifyConfig } from './classify-config.js';
import { fdViews } from './descriptors.js';
import { cpuOf, processViews, withFigures, type Watched } from './figures.js';
import { findGhosts, findManagerGhosts, type GhostServer } from './ghosts.js';
import type { History } from './history.js';
import { findLeaks, type WatchedServer } from './leaks.js';
import { findOverLimit } from './limits.js';
import { findOrchestrators, orchestratorViews, ownerOf } from './orchestrators.js';
import { indexProcesses, neverTouch } from './process-index.js';
import { indexRegistry, registryWhole } from './registry-index.js';
import { findSessions, finishSessions, withAdopted } from './sessions.js';
import { managerOwner, managerRules, markedInstances } from './sources.js';
import { serverDoubt } from './sockets.js';
import { summarize } from './summary.js';
import type { ManagerName, RawWorld, ServerView, Snapshot } from './types.js';
import { findZombies } from './zombies.js';

// What other modules import from here today; the modules above own them.
export { DEFAULT_CLASSIFY, type ClassifyConfig } from './classify-config.js';
export { advanceHistory, emptyHistory, type History, type SeenPane } from './history.js';
export { parseTmuxEnv } from './leaks.js';
export { ACTIVE_STATUSES, TERMINAL_STATUSES } from './registry-index.js';

export function classify(raw: RawWorld, cfg: ClassifyConfig, hist: History): Snapshot {
  const now = raw.takenAt;
  const index = indexProcesses(raw.procs.procs);
  const untouchable = neverTouch(raw);
  const registry = indexRegistry(raw.workspaces);
  const orchs = findOrchestrators(raw.orchestrator, index, untouchable, raw.self);
  // A look at a server that failed or cannot be trusted (a line that did not validate, a server pid
  // that is not the socket's server) makes none of its sessions an agent's, and no process anywhere a
  // gone pane's leftover: which panes are live is then unknown, and the live ones' processes would
  // look like leftovers. A stale socket (no server answers) is neither: an empty server.
  const doubts = raw.tmux.map((t) => serverDoubt(t, raw.procs.procs));
  const trusted = raw.tmux.every((t, i) => !t.error && !doubts[i]);
  const mgr = managersOf(raw, cfg, trusted);
  const found = findSessions({
    servers: raw.tmux.map((t, i) => ({
      label: t.label,
      socketPath: t.socketPath ?? (raw.tmux.length === 1 ? cfg.socketPath : null),
      serverPid: t.running ? t.serverPid : null,
      panes: t.panes,
      trusted: !t.error && !doubts[i],
    })),
    index,
    untouchable,
    registry,
    registryWhole: registryWhole(raw.workspaces),
    prefixes: cfg.prefixes,
    ownerOf: (reg) => (reg ? ownerOf(orchs, raw.orchestrator, reg.ws) : (orchs.procs[0] ?? null)),
    ...mgr,
  });
  const serverPids = new Set(raw.tmux.flatMap((t) => (t.running && t.serverPid !== null ? [t.serverPid] : [])));
  const leaks = trusted
    ? findLeaks({
        index,
        untouchable,
        assigned: found.assigned,
        orchTree: orchs.tree,
        env: raw.env,
        registry,
        livePanes: found.livePanes,
        liveSessionNames: found.liveSessionNames,
        servers: watchedServers(raw, cfg),
        socketDir: raw.socketDir ?? null,
        claudeLogs: raw.claudeLogs ?? [],
        marked: markedInstances(
          mgr.managers,
          found.drafts.map((d) => d.view),
          found.liveSessionNames,
        ),
        seenPanes: hist.panes,
        seenSessions: hist.sessions,
      })
    : { leaked: [], strays: [], leakedPids: new Set<number>(), adopted: new Map<number, { sessionId: string; server: string }>() };
  const { drafts, assigned } = withAdopted(found, leaks.adopted);
  const cpu = (p: Parameters<typeof cpuOf>[0]) => cpuOf(p, hist.cpu, now, raw.procs.clockTicks);
  const watched: Watched[] = [
    ...[...assigned].map(([pid, a]) => ({ pid, role: a.role, sessionId: a.sessionId, server: a.server })),
    ...[...orchs.tree].map((pid) => ({
      pid,
      role: orchs.treeOf.has(pid) ? ('orchestrator' as const) : ('orchestrator-child' as const),
      sessionId: null,
      server: null,
    })),
    ...[...leaks.leakedPids].map((pid) => ({ pid, role: 'leaked' as const, sessionId: null, server: null })),
  ];
  const processes = processViews(watched, index.procs, raw.fds, cpu);
  const procView = new Map(processes.map((p) => [p.pid, p]));
  const zombies = findZombies({
    procs: index.procs,
    serverPids,
    livePanePids: drafts.flatMap((d) => d.view.panes.map((p) => p.pid)),
    seenPanes: hist.panes.values(),
    sessionOf: (pid) => assigned.get(pid) ?? null,
    inScope: (pid) => assigned.has(pid) || orchs.tree.has(pid) || leaks.leakedPids.has(pid),
  });
  const sessions = finishSessions(drafts, procView);
  const lists = {
    sessions,
    processes,
    zombies,
    leaked: withFigures(leaks.leaked, procView),
    strays: leaks.strays,
    fds: fdViews(processes, raw.fds, hist.fds, now, cfg),
    ghosts: [
      ...findGhosts(
        registry,
        found.liveSessionNames,
        raw.tmux.map((t, i) => ({ available: t.available, error: t.error ?? doubts[i] ?? null })),
      ),
      ...findManagerGhosts(mgr.managers, ghostServers(raw, doubts), raw.socketDir != null),
    ],
    overLimit: findOverLimit(sessions, cfg.limits ?? DEFAULT_CLASSIFY.limits, hist.limits, now),
  };
  const orchestrators = orchestratorViews(orchs, raw, cpu);
  return assemble(raw, cfg, { ...lists, orchestrators, doubts, errors: found.errors });
}

/** The agent managers' rules for findSessions: none when the look at tmux is not trusted. */
function managersOf(raw: RawWorld, cfg: ClassifyConfig, trusted: boolean) {
  const managers = trusted ? managerRules(raw.workspaces) : [];
  const uid = raw.procs.procs.get(raw.self.pid)?.uid ?? null;
  const owners = new Map(managers.map((m) => [m.claim.manager, managerOwner(m.claim, raw.procs.procs.values(), uid)]));
  return {
    managers,
    managerOwnerOf: (m: ManagerName) => owners.get(m) ?? null,
    now: raw.takenAt,
    sourceGraceMs: cfg.sourceGraceMs,
  };
}

/** Each watched server by its -L name ('default' for tmux's default), as a manager's record names it. */
function ghostServers(raw: RawWorld, doubts: (string | null)[]): GhostServer[] {
  return raw.tmux.map((t, i) => {
    const path = t.server.socketPath ?? t.socketPath;
    const name = t.server.socketName ?? (path ? path.slice(path.lastIndexOf('/') + 1) : 'default');
    return { name, answered: t.available && !t.error && !doubts[i], sessions: new Set(t.panes.map((p) => p.sessionName)) };
  });
}

/** Every watched server by socket path (a server not running is still watched: its socket's $TMUX counts). */
function watchedServers(raw: RawWorld, cfg: ClassifyConfig): Map<string, WatchedServer> {
  const out = new Map<string, WatchedServer>();
  for (const t of raw.tmux) {
    const path = t.socketPath ?? (raw.tmux.length === 1 ? cfg.socketPath : null);
    if (path) out.set(path, { label: t.label, serverPid: t.running ? t.serverPid : null });
  }
  return out;
}

type Parts = Pick<Snapshot, 'sessions' | 'processes' | 'zombies' | 'leaked' | 'strays' | 'fds' | 'ghosts' | 'overLimit' | 'orchestrators'> & {
  doubts: (string | null)[];
  /** The model's own lines (a session two sources claim). */
  errors: string[];
};

/** Each server as the snapshot lists it, with how many of its sessions are not agents'. */
function serverViews(raw: RawWorld, cfg: ClassifyConfig, p: Parts): ServerView[] {
  return raw.tmux.map((t, i) => {
    const agents = new Set(p.sessions.filter((s) => s.server === t.label).map((s) => s.id));
    const all = new Set(t.panes.map((x) => x.sessionId));
    return {
      socket: t.label,
      socketPath: t.socketPath ?? (raw.tmux.length === 1 ? cfg.socketPath : null),
      available: t.available,
      running: t.running,
      stale: t.stale,
      serverPid: t.serverPid,
      error: t.error ?? p.doubts[i] ?? null,
      otherSessions: [...all].filter((id) => !agents.has(id)).length,
    };
  });
}

/** The Snapshot, its fields in the order the JSON document has always had them. */
function assemble(raw: RawWorld, cfg: ClassifyConfig, p: Parts): Snapshot {
  const doubts = p.doubts.filter((d): d is string => d !== null);
  return {
    version: 1,
    takenAt: new Date(raw.takenAt).toISOString(),
    tmux: serverViews(raw, cfg, p),
    orchestrator: p.orchestrators[0] ?? null,
    orchestrators: p.orchestrators,
    orchestratorError: raw.orchestrator.error,
    workspaces: raw.workspaces.map((w) => ({ path: w.path, project: w.project, how: w.how, readable: w.readable, error: w.error, agents: w.agents.length })),
    sessions: p.sessions,
    processes: p.processes,
    zombies: p.zombies,
    leaked: p.leaked,
    strays: p.strays,
    fds: p.fds,
    ghosts: p.ghosts,
    overLimit: p.overLimit,
    summary: summarize(p),
    errors: [...raw.errors, ...doubts, ...p.errors],
    incomplete: incompleteOf(raw),
  };
}
