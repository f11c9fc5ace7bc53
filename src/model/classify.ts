// Every rule about what orch-top sees, as one pipeline of pure steps over what the collectors read:
// the process index and the never-touch set, the registry, the orchestrators, the agent sessions and
// their orphans, the leaks, the processes' figures and descriptors, the zombies, the ghosts, and the
// summary. Each step is its own module; this one only runs them in order and assembles the Snapshot.
// No I/O, no clock: `raw.takenAt` is "now". The definitions are DESIGN.md's "What counts as a finding".

import { incompleteOf } from './incomplete.js';
import { DEFAULT_CLASSIFY, type ClassifyConfig } from './classify-config.js';
import { fdViews } from './descriptors.js';
import { cpuOf, processViews, withFigures, type Watched } from './figures.js';
import { findGhosts } from './ghosts.js';
import type { History } from './history.js';
import { findLeaks } from './leaks.js';
import { findOverLimit } from './limits.js';
import { findOrchestrators, orchestratorViews, ownerOf } from './orchestrators.js';
import { indexProcesses, neverTouch } from './process-index.js';
import { indexRegistry, registryWhole } from './registry-index.js';
import { findSessions, finishSessions, withAdopted } from './sessions.js';
import { managerOwner, managerRules } from './sources.js';
import { serverDoubt } from './sockets.js';
import { summarize } from './summary.js';
import type { ManagerName, RawWorld, Snapshot } from './types.js';
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
  // A look at tmux that failed or cannot be trusted (a line that did not validate, a server pid that is
  // not the socket's server) makes no session an agent's and no process a gone pane's leftover: which
  // panes are live is then unknown, and the live ones' processes would look like leftovers.
  const doubt = serverDoubt(raw.tmux, raw.procs.procs);
  const trusted = !raw.tmux.error && !doubt;
  const found = findSessions({
    panes: raw.tmux.panes,
    index,
    untouchable,
    registry: trusted ? registry : { ...registry, bySession: new Map() },
    registryWhole: registryWhole(raw.workspaces),
    prefixes: trusted ? cfg.prefixes : [],
    ownerOf: (reg) => (reg ? ownerOf(orchs, raw.orchestrator, reg.ws) : (orchs.procs[0] ?? null)),
    ...managersOf(raw, cfg, trusted),
  });
  const serverPid = raw.tmux.running ? raw.tmux.serverPid : null;
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
        serverPid,
        socketPath: raw.tmux.socketPath ?? cfg.socketPath,
        seenPanes: hist.panes,
        seenSessions: hist.sessions,
      })
    : { leaked: [], strays: [], leakedPids: new Set<number>(), adopted: new Map<number, string>() };
  const { drafts, assigned } = withAdopted(found, leaks.adopted);
  const cpu = (p: Parameters<typeof cpuOf>[0]) => cpuOf(p, hist.cpu, now, raw.procs.clockTicks);
  const watched: Watched[] = [
    ...[...assigned].map(([pid, a]) => ({ pid, role: a.role, sessionId: a.sessionId })),
    ...[...orchs.tree].map((pid) => ({ pid, role: orchs.treeOf.has(pid) ? ('orchestrator' as const) : ('orchestrator-child' as const), sessionId: null })),
    ...[...leaks.leakedPids].map((pid) => ({ pid, role: 'leaked' as const, sessionId: null })),
  ];
  const processes = processViews(watched, index.procs, raw.fds, cpu);
  const procView = new Map(processes.map((p) => [p.pid, p]));
  const zombies = findZombies({
    procs: index.procs,
    serverPid,
    livePanePids: drafts.flatMap((d) => d.view.panes.map((p) => p.pid)),
    seenPanes: hist.panes.values(),
    sessionOf: (pid) => assigned.get(pid)?.sessionId ?? null,
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
    ghosts: findGhosts(registry, found.liveSessionNames, { ...raw.tmux, error: raw.tmux.error ?? doubt }),
    overLimit: findOverLimit(sessions, cfg.limits ?? DEFAULT_CLASSIFY.limits, hist.limits, now, serverPid),
  };
  const orchestrators = orchestratorViews(orchs, raw, cpu);
  return assemble(raw, cfg, { ...lists, orchestrators, otherSessions: found.otherSessions, doubt, errors: found.errors });
}

/** The agent managers' rules for findSessions: none when the look at tmux is not trusted. */
function managersOf(raw: RawWorld, cfg: ClassifyConfig, trusted: boolean) {
  const managers = trusted ? managerRules(raw.workspaces) : [];
  const uid = raw.procs.procs.get(raw.self.pid)?.uid ?? null;
  const owners = new Map(managers.map((m) => [m.claim.manager, managerOwner(m.claim, raw.procs.procs.values(), uid)]));
  return {
    managers,
    managerOwnerOf: (m: ManagerName) => owners.get(m) ?? null,
    socketPath: raw.tmux.socketPath ?? cfg.socketPath,
    now: raw.takenAt,
    sourceGraceMs: cfg.sourceGraceMs,
  };
}

type Parts = Pick<Snapshot, 'sessions' | 'processes' | 'zombies' | 'leaked' | 'strays' | 'fds' | 'ghosts' | 'overLimit' | 'orchestrators'> & {
  otherSessions: number;
  doubt: string | null;
  /** The model's own lines (a session two sources claim). */
  errors: string[];
};

/** The Snapshot, its fields in the order the JSON document has always had them. */
function assemble(raw: RawWorld, cfg: ClassifyConfig, p: Parts): Snapshot {
  const server = raw.tmux.server;
  return {
    version: 1,
    takenAt: new Date(raw.takenAt).toISOString(),
    tmux: {
      socket: server.socketPath ? `-S ${server.socketPath}` : server.socketName ? `-L ${server.socketName}` : 'default',
      socketPath: raw.tmux.socketPath ?? cfg.socketPath,
      available: raw.tmux.available,
      running: raw.tmux.running,
      serverPid: raw.tmux.serverPid,
      error: raw.tmux.error ?? p.doubt,
      otherSessions: p.otherSessions,
    },
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
    errors: [...raw.errors, ...(p.doubt ? [p.doubt] : []), ...p.errors],
    incomplete: incompleteOf(raw),
  };
}
