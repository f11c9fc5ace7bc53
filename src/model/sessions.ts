// Agent sessions: which tmux sessions, of every watched server, are agents' and whose (the reference
// orchestrator's registry or --prefix; an agent manager's state or naming: model/sources.ts), which
// processes are theirs (pane trees and same-SID members), and which are orphans and why (DESIGN.md
// "What counts as a finding"). A session two sources claim is contested: one error line, never an
// orphan. Pure: the servers' panes, the process index, the registry and the managers' rules in.

import { commandOf, descendantsOf, type ProcessIndex } from './process-index.js';
import { agentRef, agentState, type RegistryEntry, type RegistryIndex } from './registry-index.js';
import { sessionKey } from './servers.js';
import { type Claim, managerClaims, managerReasons, type ManagerRules } from './sources.js';
import type { ManagerName, OrphanReason, ProcessRole, ProcessView, ProcInfo, SessionView, TmuxPane } from './types.js';

export interface Assignment {
  sessionId: string;
  /** The session's server (its label). */
  server: string;
  role: ProcessRole;
}

/** One server's panes, as the model judges them. */
export interface ServerPanes {
  label: string;
  /** Its socket path (an agent manager's record names its server by -L name). */
  socketPath: string | null;
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
  /** One line per session two sources claim. */
  errors: string[];
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
  /** The agent managers whose state was found (none: only the orchestrator's rules apply). */
  managers?: ManagerRules[];
  /** A manager's owner process, when one runs. */
  managerOwnerOf?: (m: ManagerName) => ProcInfo | null;
  /** "Now" (epoch ms) and how old a session its manager's state does not know must be to be an orphan. */
  now?: number;
  sourceGraceMs?: number;
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

/** What the claims on a session make of it: whose it is, its owner, its reasons, and whether it is contested. */
interface Judged {
  claim: Claim;
  owner: ProcInfo | null;
  reasons: OrphanReason[];
  contested: ManagerName[] | null;
}

function sessionDraft(sessionId: string, server: string, panes: TmuxPane[], j: Judged, pids: Set<number>, index: ProcessIndex): SessionDraft {
  const first = panes[0]!;
  const { reg, byName: byPrefix } = j.claim;
  const { owner, reasons } = j;
  return {
    view: {
      id: sessionId,
      name: first.sessionName,
      server,
      created: first.sessionCreated * 1000,
      attached: first.sessionAttached > 0,
      matchedBy: reg && byPrefix ? 'registry+prefix' : reg ? 'registry' : 'prefix',
      source: j.claim.manager,
      ...(j.contested ? { claimedBy: j.contested } : {}),
      agent: reg ? agentRef(reg) : null,
      project: reg?.ws.project ?? null,
      taskId: reg?.agent.taskId ?? null,
      agentId: reg?.agent.agentId ?? null,
      registryStatus: reg?.agent.status ?? null,
      registrySource: reg?.agent.source ?? null,
      ownedBy: owner?.pid ?? null,
      status: j.contested ? 'contested' : reasons.length ? 'orphan' : 'active',
      reasons,
      reason: j.contested ? `claimed by ${j.contested.join(' and ')}: left alone` : describeReasons(reasons, reg?.agent.status ?? null),
      panes: panes.map((p) => ({ id: p.paneId, pid: p.panePid, dead: p.paneDead, command: paneCommand(index, p.panePid) })),
    },
    pids,
  };
}

/** Every source's claim on a session: the orchestrator's first (its registry or --prefix), then each manager's. */
function claimsOn(name: string, srv: ServerPanes, x: SessionsInput): Claim[] {
  if (!srv.trusted) return [];
  const reg = x.registry.bySession.get(name) ?? null;
  const byPrefix = x.prefixes.some((p) => p.length > 0 && name.startsWith(p));
  const own: Claim[] = reg || byPrefix ? [{ manager: 'orchestrator', reg, byName: byPrefix, rules: null }] : [];
  return [...own, ...managerClaims(name, srv.socketPath, x.managers ?? [])];
}

function judge(claims: Claim[], panes: TmuxPane[], x: SessionsInput): Judged {
  const claim = claims[0]!;
  const names = [...new Set(claims.map((c) => c.manager))];
  const contested = names.length > 1 ? names : null;
  if (claim.manager === 'orchestrator') {
    const owner = x.ownerOf(claim.reg);
    return { claim, owner, contested, reasons: contested ? [] : orphanReasons(panes, claim.reg, claim.byName, owner, x.registryWhole) };
  }
  const owner = x.managerOwnerOf?.(claim.manager) ?? null;
  const age = (x.now ?? Date.now()) - panes[0]!.sessionCreated * 1000;
  return { claim, owner, contested, reasons: contested ? [] : managerReasons(panes, claim, age, x.sourceGraceMs ?? 10_000) };
}

/** Every session of every server; a server whose look cannot be trusted has no agent session. */
export function findSessions(x: SessionsInput): SessionsFound {
  const found: SessionsFound = { drafts: [], assigned: new Map(), livePanes: new Map(), liveSessionNames: new Set(), otherSessions: 0, errors: [] };
  for (const srv of x.servers) findServerSessions(x, srv, found);
  return found;
}

function findServerSessions(x: SessionsInput, srv: ServerPanes, found: SessionsFound): void {
  for (const [sessionId, panes] of groupBySession(srv.panes)) {
    const name = panes[0]!.sessionName;
    found.liveSessionNames.add(name);
    const claims = claimsOn(name, srv, x);
    const isAgent = claims.length > 0;
    if (srv.serverPid !== null)
      for (const pane of panes) found.livePanes.set(paneKey(srv.serverPid, pane.paneId), { sessionId, server: srv.label, agent: isAgent });
    if (!isAgent) {
      found.otherSessions++;
      continue;
    }
    const pids = claimPaneProcesses(panes, sessionId, srv.label, x, found.assigned);
    const j = judge(claims, panes, x);
    if (j.contested) found.errors.push(`session ${name} (${sessionId} on ${srv.label}) is claimed by ${j.contested.join(' and ')}: reported, never touched`);
    found.drafts.push(sessionDraft(sessionId, srv.label, panes, j, pids, x.index));
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
