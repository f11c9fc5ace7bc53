// Agent sessions: which tmux sessions are agents' (a registry names them, or a prefix matches),
// which processes are theirs (pane trees and same-SID members), and which are orphans and why
// (DESIGN.md "What counts as a finding"). Pure: the pane list, the process index and the registry in.

import { commandOf, descendantsOf, type ProcessIndex } from './process-index.js';
import { agentRef, agentState, type RegistryEntry, type RegistryIndex } from './registry-index.js';
import { sessionKey } from './servers.js';
import type { OrphanReason, ProcessRole, ProcessView, ProcInfo, SessionView, TmuxPane } from './types.js';

export interface Assignment {
  sessionId: string;
  /** The session's server (its label). */
  server: string;
  role: ProcessRole;
}

/** One server's panes, as the model judges them. */
export interface ServerPanes {
  label: string;
  /** Its pid while it answers, else null. */
  serverPid: number | null;
  panes: TmuxPane[];
  /** Its answer validated and its pid is the socket's server: only then can its sessions be agents'. */
  trusted: boolean;
}

/** A live pane's key: a pane id means nothing without its server (by pid; a server never reuses ids). */
export const paneKey = (serverPid: number, paneId: string): string => `${serverPid}:${paneId}`;

export interface SessionDraft {
  view: Omit<SessionView, 'processes' | 'cpu' | 'rss' | 'fds'>;
  pids: Set<number>;
}

export interface SessionsFound {
  drafts: SessionDraft[];
  /** Every process an agent session holds, by pid. */
  assigned: Map<number, Assignment>;
  /** Every live pane of every server, by paneKey, and whether its session is an agent's. */
  livePanes: Map<string, { sessionId: string; server: string; agent: boolean }>;
  liveSessionNames: Set<string>;
  otherSessions: number;
}

export interface SessionsInput {
  servers: ServerPanes[];
  index: ProcessIndex;
  untouchable: ReadonlySet<number>;
  registry: RegistryIndex;
  /** Every registry could be read whole: only then is a prefix session the registry lacks unknown to it. */
  registryWhole: boolean;
  prefixes: string[];
  /** The orchestrator that owns a registry agent (by its workspace), or a prefix-only session (any). */
  ownerOf: (reg: RegistryEntry | null) => ProcInfo | null;
}

export function describeReasons(reasons: OrphanReason[], status: string | null): string | null {
  if (!reasons.length) return null;
  return reasons
    .map((r) => {
      switch (r) {
        case 'orchestrator-down':
          return 'orchestrator not running';
        case 'terminal-status':
          return `registry says ${status ?? 'finished'}`;
        case 'unknown-to-registry':
          return 'not in any registry';
        case 'panes-dead':
          return 'all panes dead';
      }
    })
    .join('; ');
}

function groupBySession(panes: TmuxPane[]): Map<string, TmuxPane[]> {
  const out = new Map<string, TmuxPane[]>();
  for (const pane of panes) {
    const list = out.get(pane.sessionId);
    if (list) list.push(pane);
    else out.set(pane.sessionId, [pane]);
  }
  return out;
}

/** Claims, into `assigned`, each pane's process tree and the processes that kept its session id. */
function claimPaneProcesses(panes: TmuxPane[], sessionId: string, server: string, x: SessionsInput, assigned: Map<number, Assignment>): Set<number> {
  const pids = new Set<number>();
  const mark = (pid: number, role: ProcessRole) => {
    if (x.untouchable.has(pid) || assigned.has(pid)) return;
    assigned.set(pid, { sessionId, server, role });
    pids.add(pid);
  };
  for (const pane of panes) {
    const pp = x.index.procs.get(pane.panePid);
    if (pane.paneDead || !pp || x.untouchable.has(pane.panePid)) continue;
    mark(pane.panePid, 'pane');
    for (const pid of descendantsOf(x.index.children, pane.panePid)) mark(pid, 'descendant');
    // Processes that left the tree (double fork, re-parented) keep the pane's session id.
    if (pp.sid !== pane.panePid) continue;
    for (const pid of x.index.bySid.get(pp.sid) ?? []) {
      if (assigned.has(pid)) continue;
      mark(pid, 'session-member');
      for (const d of descendantsOf(x.index.children, pid)) mark(d, 'session-member');
    }
  }
  return pids;
}

export function orphanReasons(panes: TmuxPane[], reg: RegistryEntry | null, byPrefix: boolean, owner: ProcInfo | null, registryWhole: boolean): OrphanReason[] {
  const reasons: OrphanReason[] = [];
  if (!owner) reasons.push('orchestrator-down');
  // What the registry says only counts when it could be read whole: a locked SQLite state beside an
  // older JSON registry would otherwise hand us a stale terminal status, and an unreadable workspace
  // would make every one of its agents "unknown" for a tick — and a --reap would kill live agents.
  if (reg && agentState(reg.agent) === 'terminal' && !reg.ws.error) reasons.push('terminal-status');
  if (!reg && byPrefix && registryWhole) reasons.push('unknown-to-registry');
  if (panes.every((p) => p.paneDead)) reasons.push('panes-dead');
  return reasons;
}

/** A pane's command: its process's command line from /proc (tmux's #{pane_current_command} is printed raw, so never asked for). */
function paneCommand(index: ProcessIndex, pid: number): string {
  const p = index.procs.get(pid);
  return p ? commandOf(p) : '';
}

function sessionDraft(
  sessionId: string,
  server: string,
  panes: TmuxPane[],
  reg: RegistryEntry | null,
  byPrefix: boolean,
  owner: ProcInfo | null,
  reasons: OrphanReason[],
  pids: Set<number>,
  index: ProcessIndex,
): SessionDraft {
  const first = panes[0]!;
  return {
    view: {
      id: sessionId,
      name: first.sessionName,
      server,
      created: first.sessionCreated * 1000,
      attached: first.sessionAttached > 0,
      matchedBy: reg && byPrefix ? 'registry+prefix' : reg ? 'registry' : 'prefix',
      agent: reg ? agentRef(reg) : null,
      project: reg?.ws.project ?? null,
      taskId: reg?.agent.taskId ?? null,
      agentId: reg?.agent.agentId ?? null,
      registryStatus: reg?.agent.status ?? null,
      registrySource: reg?.agent.source ?? null,
      ownedBy: owner?.pid ?? null,
      status: reasons.length ? 'orphan' : 'active',
      reasons,
      reason: describeReasons(reasons, reg?.agent.status ?? null),
      panes: panes.map((p) => ({ id: p.paneId, pid: p.panePid, dead: p.paneDead, command: paneCommand(index, p.panePid) })),
    },
    pids,
  };
}

/** Every session of every server; a server whose look cannot be trusted has no agent session. */
export function findSessions(x: SessionsInput): SessionsFound {
  const found: SessionsFound = { drafts: [], assigned: new Map(), livePanes: new Map(), liveSessionNames: new Set(), otherSessions: 0 };
  for (const srv of x.servers) findServerSessions(x, srv, found);
  return found;
}

function findServerSessions(x: SessionsInput, srv: ServerPanes, found: SessionsFound): void {
  for (const [sessionId, panes] of groupBySession(srv.panes)) {
    const name = panes[0]!.sessionName;
    found.liveSessionNames.add(name);
    const reg = srv.trusted ? (x.registry.bySession.get(name) ?? null) : null;
    const byPrefix = srv.trusted && x.prefixes.some((p) => p.length > 0 && name.startsWith(p));
    const isAgent = reg !== null || byPrefix;
    if (srv.serverPid !== null)
      for (const pane of panes) found.livePanes.set(paneKey(srv.serverPid, pane.paneId), { sessionId, server: srv.label, agent: isAgent });
    if (!isAgent) {
      found.otherSessions++;
      continue;
    }
    const pids = claimPaneProcesses(panes, sessionId, srv.label, x, found.assigned);
    const owner = x.ownerOf(reg);
    const reasons = orphanReasons(panes, reg, byPrefix, owner, x.registryWhole);
    found.drafts.push(sessionDraft(sessionId, srv.label, panes, reg, byPrefix, owner, reasons, pids, x.index));
  }
}

/** The sessions and assignments with the processes the leak trace found still in a live agent pane. */
export function withAdopted(
  found: SessionsFound,
  adopted: ReadonlyMap<number, { sessionId: string; server: string }>,
): Pick<SessionsFound, 'drafts' | 'assigned'> {
  const assigned = new Map(found.assigned);
  const extra = new Map<string, number[]>();
  for (const [pid, s] of adopted) {
    assigned.set(pid, { sessionId: s.sessionId, server: s.server, role: 'session-member' });
    const k = sessionKey(s.server, s.sessionId);
    extra.set(k, [...(extra.get(k) ?? []), pid]);
  }
  const drafts = found.drafts.map((d) => {
    const more = extra.get(sessionKey(d.view.server, d.view.id));
    return more ? { ...d, pids: new Set([...d.pids, ...more]) } : d;
  });
  return { drafts, assigned };
}

/** Each session with its processes and their summed figures, by name. */
export function finishSessions(drafts: SessionDraft[], procView: ReadonlyMap<number, ProcessView>): SessionView[] {
  return drafts
    .map((d) => {
      let cpu = 0;
      let rss = 0;
      let fdSum: number | null = null;
      for (const pid of d.pids) {
        const v = procView.get(pid);
        if (!v) continue;
        cpu += v.cpu;
        rss += v.rss;
        if (v.fds !== null) fdSum = (fdSum ?? 0) + v.fds;
      }
      return { ...d.view, processes: [...d.pids].sort((a, b) => a - b), cpu, rss, fds: fdSum };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.server.localeCompare(b.server));
}
