// Which source a tmux session belongs to, by each agent manager's own naming and state (the claims the
// source modules state: collectors/sources), and why a manager's session is an orphan. The reference
// orchestrator keeps its own rules (its registry, --prefix, the orchestrator probe: sessions.ts). A
// session two managers claim is contested: reported, never an orphan. Pure.

import { agentState, type RegistryEntry } from './registry-index.js';
import type { ManagerClaim, ManagerName, OrphanReason, ProcInfo, TmuxPane, WorkspaceState } from './types.js';

/** One manager's rules this look: its claim (patterns of every place merged) and its places. */
export interface ManagerRules {
  claim: ManagerClaim;
  /** Its agents by the session name its state records. */
  bySession: Map<string, RegistryEntry>;
  /** Every place of its state was read whole: only then is a session it lacks unknown to it. */
  whole: boolean;
  patterns: RegExp[];
  neverOrphan: RegExp[];
}

/** A manager's claim on one session: by its state (`reg`), by its naming (`byName`), or both. */
export interface Claim {
  manager: ManagerName;
  reg: RegistryEntry | null;
  byName: boolean;
  rules: ManagerRules | null;
}

const compile = (sources: string[]): RegExp[] =>
  sources.flatMap((s) => {
    try {
      return [new RegExp(s, 'u')];
    } catch {
      return [];
    }
  });

/** The managers whose state was found, in the order their places were (SOURCES order). */
export function managerRules(workspaces: WorkspaceState[]): ManagerRules[] {
  const out = new Map<ManagerName, { claim: ManagerClaim; places: WorkspaceState[] }>();
  for (const ws of workspaces) {
    if (!ws.claim) continue;
    const m = out.get(ws.claim.manager);
    if (m) {
      m.places.push(ws);
      m.claim = { ...m.claim, patterns: [...new Set([...m.claim.patterns, ...ws.claim.patterns])] };
    } else out.set(ws.claim.manager, { claim: ws.claim, places: [ws] });
  }
  return [...out.values()].map(({ claim, places }) => {
    const bySession = new Map<string, RegistryEntry>();
    for (const ws of places)
      for (const agent of ws.agents) if (agent.tmuxSession && !bySession.has(agent.tmuxSession)) bySession.set(agent.tmuxSession, { agent, ws });
    return {
      claim,
      bySession,
      whole: places.every((w) => (!w.error && w.readable) || w.gone),
      patterns: compile(claim.patterns),
      neverOrphan: compile(claim.neverOrphan),
    };
  });
}

/** `aoe_term_x_1234abcd` → `aoe_x_1234abcd`: the agent session a companion session belongs to. */
function canonicalName(name: string, c: ManagerClaim): string {
  for (const p of c.prefixes)
    if (name.startsWith(p)) for (const aux of c.auxPrefixes) if (name.startsWith(p + aux)) return p + name.slice(p.length + aux.length);
  return name;
}

/** Whether a record's server is the one a session is on: a recorded `-L` name against the socket path's last part. */
function onServer(e: RegistryEntry, socketPath: string | null): boolean {
  const want = e.agent.tmuxSocket;
  if (want === undefined || socketPath === null) return true;
  return socketPath.slice(socketPath.lastIndexOf('/') + 1) === want;
}

/** Every manager's claim on a session named `name` on the server at `socketPath`. */
export function managerClaims(name: string, socketPath: string | null, rules: ManagerRules[]): Claim[] {
  const out: Claim[] = [];
  for (const r of rules) {
    const c = r.claim;
    const hit = r.bySession.get(name) ?? r.bySession.get(canonicalName(name, c));
    const reg = hit && onServer(hit, socketPath) ? hit : null;
    const mine = c.sockets === null || socketPath === null || c.sockets.includes(socketPath.slice(socketPath.lastIndexOf('/') + 1));
    const byName = mine && (c.prefixes.some((p) => name.startsWith(p)) || r.patterns.some((re) => re.test(name)));
    if (reg || byName) out.push({ manager: c.manager, reg, byName, rules: r });
  }
  return out;
}

/**
 * Why a manager's session is an orphan: its state says terminal (read whole), its state does not know
 * it once it is older than the grace (a manager may save only after a start), or every pane is dead
 * where the manager does not keep dead panes on purpose. Its owner not running is no reason: each
 * manager here re-adopts what its state records when it starts again.
 */
export function managerReasons(panes: TmuxPane[], claim: Claim, ageMs: number, graceMs: number): OrphanReason[] {
  const r = claim.rules;
  if (!r || r.neverOrphan.some((re) => re.test(panes[0]!.sessionName))) return [];
  const reasons: OrphanReason[] = [];
  const reg = claim.reg;
  if (reg && agentState(reg.agent) === 'terminal' && !reg.ws.error) reasons.push('terminal-status');
  const canonical = canonicalName(panes[0]!.sessionName, r.claim) !== panes[0]!.sessionName;
  if (!reg && claim.byName && !canonical && r.claim.unknownOrphans && r.whole && ageMs >= graceMs) reasons.push('unknown-to-registry');
  if (r.claim.deadPanesOrphan && panes.every((p) => p.paneDead)) reasons.push('panes-dead');
  return reasons;
}

/** A manager's owner process: the oldest live one of the invoking user whose program is one of its names. */
export function managerOwner(claim: ManagerClaim, procs: Iterable<ProcInfo>, uid: number | null): ProcInfo | null {
  let best: ProcInfo | null = null;
  for (const p of procs) {
    if (p.state === 'Z' || p.state === 'X' || (uid !== null && p.uid !== uid)) continue;
    const prog = p.cmdline[0] ? p.cmdline[0].slice(p.cmdline[0].lastIndexOf('/') + 1) : p.comm;
    if (!claim.ownerPrograms.includes(prog)) continue;
    if (!best || p.startTime < best.startTime) best = p;
  }
  return best;
}

/** A manager's instance that a process's own mark (agent-deck's AGENTDECK_INSTANCE_ID) ties a leftover to. */
export interface MarkedInstance {
  entry: RegistryEntry;
  manager: ManagerName;
  /** Its session is on no server any more, or is an orphan now. */
  why: 'gone' | 'orphan';
}

/** The managers that mark their commands with their instance id in the environment. */
const MARKING: ReadonlySet<ManagerName> = new Set(['agent-deck']);

/** What the sessions found say of one agent session: by name, its manager, agent and status. */
export interface SessionSeen {
  name: string;
  source: ManagerName;
  agentId: string | null;
  status: string;
}

/**
 * The instances, by id, whose mark is evidence: a found state's row whose session is gone from every
 * server or is that manager's orphan now. Never a live session judged active or contested (its
 * processes are its members), nor a session of that name some other source holds; an id two
 * rows (two profiles) share is no evidence (null).
 */
export function markedInstances(rules: ManagerRules[], sessions: SessionSeen[], liveNames: ReadonlySet<string>): Map<string, MarkedInstance | null> {
  const out = new Map<string, MarkedInstance | null>();
  const marking = rules.filter((r) => MARKING.has(r.claim.manager));
  const rows = new Map<string, number>();
  for (const r of marking) for (const e of r.bySession.values()) rows.set(e.agent.agentId, (rows.get(e.agent.agentId) ?? 0) + 1);
  for (const r of marking) {
    const manager = r.claim.manager;
    for (const [name, entry] of r.bySession) {
      const id = entry.agent.agentId;
      if (rows.get(id) !== 1) {
        out.set(id, null);
        continue;
      }
      const mine = sessions.filter((s) => s.name === name && s.source === manager && s.agentId === id);
      const why = mine.some((s) => s.status === 'orphan') ? 'orphan' : !mine.length && !liveNames.has(name) ? 'gone' : null;
      if (why) out.set(id, { entry, manager, why });
    }
  }
  return out;
}
