// Leaked processes: what outlived its agent pane. A process is traced by positive evidence only —
// its $TMUX/$TMUX_PANE naming a gone agent pane of this server (the server by pid and start time), a
// session id that was a gone agent pane's pid while orch-top saw that pane, or a pid the orchestrator
// recorded for a gone agent within that agent's life — and its children leak with it. A pid alone is
// never evidence, nor a command line that names an agent. A leftover of a gone pane no agent can be
// traced to is a stray: listed, never touched. Pure.

import type { SeenPane } from './history.js';
import { commandOf, descendantsOf, isSessionLeaderAlive, type ProcessIndex } from './process-index.js';
import type { RegistryEntry, RegistryIndex } from './registry-index.js';
import type { EnvTrace, LeakedView, ProcInfo } from './types.js';

export interface LeaksInput {
  index: ProcessIndex;
  untouchable: ReadonlySet<number>;
  /** Processes an agent session already holds. */
  assigned: ReadonlyMap<number, unknown>;
  orchTree: ReadonlySet<number>;
  env: ReadonlyMap<number, EnvTrace>;
  registry: RegistryIndex;
  livePanes: ReadonlyMap<string, { sessionId: string; agent: boolean }>;
  liveSessionNames: ReadonlySet<string>;
  /** The watched server's pid while it runs, else null. */
  serverPid: number | null;
  socketPath: string | null;
  seenPanes: ReadonlyMap<string, SeenPane>;
  seenSessions: ReadonlyMap<string, Omit<SeenPane, 'panePid' | 'paneId'>>;
}

export interface LeaksFound {
  leaked: LeakedView[];
  strays: LeakedView[];
  leakedPids: Set<number>;
  /** Processes whose agent pane still exists (a daemonized child): its session's, by pid. */
  adopted: Map<number, string>;
}

type Seen = { sessionId: string | null; sessionName: string | null; agentId: string | null };
type Verdict = { leaked: LeakedView } | { stray: LeakedView } | { adopt: string } | null;

/** $TMUX is "<socket path>,<server pid>,<session index>". */
export function parseTmuxEnv(v: string): { socketPath: string; serverPid: number; sessionIndex: number } | null {
  const m = /^(.*),(\d+),(\d+)$/.exec(v);
  return m ? { socketPath: m[1]!, serverPid: Number(m[2]), sessionIndex: Number(m[3]) } : null;
}

/** Whether any argv word names the agent (its id or its session name) as a whole word. */
export function mentions(argv: string[], needles: string[]): boolean {
  for (const a of argv)
    for (const n of needles) {
      let i = a.indexOf(n);
      while (i >= 0) {
        const before = i === 0 ? '' : a[i - 1]!;
        const after = a[i + n.length] ?? '';
        if (!/[A-Za-z0-9_-]/.test(before) && !/[A-Za-z0-9_-]/.test(after)) return true;
        i = a.indexOf(n, i + 1);
      }
    }
  return false;
}

function leakView(p: ProcInfo, reason: string, pane: string | null, seen: Seen): LeakedView {
  return {
    pid: p.pid,
    startTime: p.startTime,
    ppid: p.ppid,
    sid: p.sid,
    state: p.state,
    command: commandOf(p),
    startedAt: p.startedAt,
    cpu: 0,
    rss: p.rss,
    fds: null,
    pane,
    sessionId: seen.sessionId,
    sessionName: seen.sessionName,
    agentId: seen.agentId,
    reason,
  };
}

const SLACK_MS = 5_000; // the registry's clock and /proc's boot-time arithmetic differ by a little

type SeenSession = Omit<SeenPane, 'panePid' | 'paneId'>;

/** When each session name was last seen alive (the latest look, over every server). */
function lastSeenByName(seenSessions: ReadonlyMap<string, SeenSession>): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of seenSessions.values()) out.set(s.sessionName, Math.max(out.get(s.sessionName) ?? 0, s.lastSeen));
  return out;
}

/**
 * Pids the registry recorded (claude_pid, cursor_pid) of agents whose session is gone, and which
 * of them a process is. Pids are reused, so a process only counts when it started within the agent's
 * life: not before it started, not after it ended, and for an agent with no end (a ghost) not after
 * its session was last seen (never seen: no bound, so no evidence).
 */
function recordedPids(x: LeaksInput): (p: ProcInfo) => RegistryEntry | null {
  const recorded = new Map<number, RegistryEntry>();
  for (const e of x.registry.byId.values()) {
    if (e.agent.tmuxSession && x.liveSessionNames.has(e.agent.tmuxSession)) continue;
    for (const pid of [e.agent.claudePid, e.agent.cursorPid]) if (pid) recorded.set(pid, e);
  }
  const lastSeen = lastSeenByName(x.seenSessions);
  return (p) => {
    const e = recorded.get(p.pid);
    if (!e) return null;
    const started = e.agent.startedAt ? Date.parse(e.agent.startedAt) : NaN;
    const completed = e.agent.completedAt ? Date.parse(e.agent.completedAt) : NaN;
    const ended = Number.isFinite(completed) ? completed : e.agent.tmuxSession ? (lastSeen.get(e.agent.tmuxSession) ?? NaN) : NaN;
    if (!Number.isFinite(started) || p.startedAt < started - SLACK_MS) return null; // older than the agent: not its process
    if (!Number.isFinite(ended) || p.startedAt > ended + SLACK_MS) return null; // after the agent ended, or no end known
    return e;
  };
}

function recordedLeak(p: ProcInfo, e: RegistryEntry, paneId: string | null): LeakedView {
  const which = p.pid === e.agent.claudePid ? 'claude_pid' : 'cursor_pid';
  return leakView(p, `recorded as ${which} of agent ${e.agent.agentId}, whose session ${e.agent.tmuxSession ?? '?'} is gone`, paneId, {
    sessionId: null,
    sessionName: e.agent.tmuxSession,
    agentId: e.agent.agentId,
  });
}

/** What a tracer knows once per tick. */
interface Tracer {
  x: LeaksInput;
  recordedAgentOf: (p: ProcInfo) => RegistryEntry | null;
  /** Only ever named in a stray's reason: a command line that names an agent is not evidence. */
  namedAgent: (p: ProcInfo) => RegistryEntry | null;
  /** Pane pids seen in agent sessions, to trace processes that kept the pane's sid (a pid may have been several panes'). */
  seenAgentPanePids: Map<number, SeenPane[]>;
}

function makeTracer(x: LeaksInput): Tracer {
  const entries = [...x.registry.byId.values()];
  const needles = entries.map((e) => [e.agent.agentId, e.agent.tmuxSession].filter((s): s is string => !!s));
  const seenAgentPanePids = new Map<number, SeenPane[]>();
  for (const sp of x.seenPanes.values()) if (sp.agent) seenAgentPanePids.set(sp.panePid, [...(seenAgentPanePids.get(sp.panePid) ?? []), sp]);
  return {
    x,
    recordedAgentOf: recordedPids(x),
    namedAgent: (p) => entries.find((_, i) => mentions(p.cmdline, needles[i]!)) ?? null,
    seenAgentPanePids,
  };
}

/**
 * Whether a process's $TMUX (naming server pid `serverPid`) can be from the server a pane was seen on:
 * the server is (pid, start time). The process started after that server did, and if another process
 * holds that pid now, before it started (else its $TMUX may name the newcomer). Unknown start: no.
 */
export function fromSeenServer(index: ProcessIndex, p: ProcInfo, serverPid: number, seen: { serverStart?: number | null }): boolean {
  const start = seen.serverStart;
  if (start === undefined || start === null || p.startTime < start) return false;
  const now = index.procs.get(serverPid);
  return !now || now.startTime === start || p.startTime < now.startTime;
}

/**
 * Whether a process that kept a gone pane's session id started inside the part of the pane's life
 * orch-top saw: at or after the pane process started, no later than the last look that saw it alive.
 * A process started after that may lead or join a session whose id is a reused pid.
 */
export function insidePaneLife(p: ProcInfo, sp: Pick<SeenPane, 'paneStart' | 'lastSeen' | 'lastSeenTicks'>): boolean {
  const start = sp.paneStart;
  if (start === undefined || start === null || p.startTime < start) return false;
  // Both on the start-time clock when the look's is known; else the wall clock, less the second by
  // which startedAt (boot time in whole seconds + ticks) may run ahead of it.
  if (sp.lastSeenTicks !== undefined && sp.lastSeenTicks !== null) return p.startTime <= sp.lastSeenTicks;
  return p.startedAt <= sp.lastSeen - WALL_CLOCK_MARGIN_MS;
}

/** How far a process's startedAt may be off the wall clock: /proc/stat's btime is in whole seconds. */
const WALL_CLOCK_MARGIN_MS = 1_000;

function strayView(tr: Tracer, p: ProcInfo, paneId: string | null, why: string): LeakedView {
  const named = tr.namedAgent(p);
  const names = named ? `; its command line names agent ${named.agent.agentId}, but nothing ties it to that agent's pane` : '';
  return leakView(p, `${why}${names}`, paneId, { sessionId: null, sessionName: null, agentId: null });
}

/** A process whose $TMUX names this server's socket: its pane is live, or gone and traced, or a stray. */
function traceByPane(tr: Tracer, p: ProcInfo, t: { serverPid: number; sessionIndex: number }, paneId: string | null, rec: RegistryEntry | null): Verdict {
  const { x } = tr;
  const live = x.serverPid !== null && t.serverPid === x.serverPid && paneId ? x.livePanes.get(paneId) : undefined;
  // Its pane still exists: it is part of that session (a daemonized agent child), not a leak.
  if (live) return live.agent ? { adopt: live.sessionId } : null;
  const seen = (paneId && x.seenPanes.get(`${t.serverPid}:${paneId}`)) || x.seenSessions.get(`${t.serverPid}:$${t.sessionIndex}`);
  if (seen && fromSeenServer(x.index, p, t.serverPid, seen)) {
    if (!seen.agent) return null; // a leftover of a personal session: never orch-top's
    return { leaked: leakView(p, `its pane ${paneId ?? '?'} of ${seen.sessionName} is gone`, paneId, seen) };
  }
  if (rec) return { leaked: recordedLeak(p, rec, paneId) };
  const why = seen
    ? `its pane ${paneId ?? '?'} is gone, but its server pid ${t.serverPid} may be another server's`
    : `its pane ${paneId ?? '?'} on this server is gone; no agent could be traced`;
  return { stray: strayView(tr, p, paneId, why) };
}

/** A seen agent pane (gone now) whose pid is the process's session id, within the pane's seen life. */
function paneOfSid(tr: Tracer, p: ProcInfo): SeenPane | null {
  const { x } = tr;
  if (isSessionLeaderAlive(x.index.procs, p.sid)) return null;
  for (const sp of tr.seenAgentPanePids.get(p.sid) ?? []) {
    const paneStillLive = sp.serverPid === x.serverPid && x.livePanes.has(sp.paneId);
    if (!paneStillLive && insidePaneLife(p, sp)) return sp;
  }
  return null;
}

function traceOne(tr: Tracer, p: ProcInfo): Verdict {
  const { x } = tr;
  const env = x.env.get(p.pid);
  const rec = tr.recordedAgentOf(p);
  const t = env?.tmux ? parseTmuxEnv(env.tmux) : null;
  if (t && x.socketPath && t.socketPath === x.socketPath) return traceByPane(tr, p, t, env!.tmuxPane, rec);
  // No usable $TMUX (a cleared environment): the session id may still be a gone agent pane's pid.
  const sp = paneOfSid(tr, p);
  if (sp) return { leaked: leakView(p, `its session id ${p.sid} was the pane process of ${sp.sessionName}, which is gone`, null, sp) };
  // No trace through tmux, but the orchestrator itself recorded this process for a gone agent.
  if (rec && !(t && t.socketPath !== x.socketPath && env?.tmuxPane)) return { leaked: recordedLeak(p, rec, null) };
  return null;
}

/** Children of a leaked process are leaked with it. */
function withLeakedChildren(x: LeaksInput, found: LeaksFound): void {
  for (const l of [...found.leaked]) {
    for (const pid of descendantsOf(x.index.children, l.pid)) {
      const c = x.index.procs.get(pid);
      if (!c || found.leakedPids.has(pid) || x.assigned.has(pid) || found.adopted.has(pid) || x.untouchable.has(pid) || c.state === 'Z') continue;
      found.leakedPids.add(pid);
      found.leaked.push(leakView(c, `child of leaked process ${l.pid}`, l.pane, l));
    }
  }
}

export function findLeaks(x: LeaksInput): LeaksFound {
  const tr = makeTracer(x);
  const found: LeaksFound = { leaked: [], strays: [], leakedPids: new Set(), adopted: new Map() };
  for (const p of x.index.procs.values()) {
    if (x.assigned.has(p.pid) || x.orchTree.has(p.pid) || x.untouchable.has(p.pid) || p.ppid === 2 || p.state === 'Z' || p.state === 'X') continue;
    const v = traceOne(tr, p);
    if (!v) continue;
    if ('adopt' in v) found.adopted.set(p.pid, v.adopt);
    else if ('stray' in v) found.strays.push(v.stray);
    else {
      found.leaked.push(v.leaked);
      found.leakedPids.add(p.pid);
    }
  }
  withLeakedChildren(x, found);
  found.leaked.sort((a, b) => a.pid - b.pid);
  found.strays.sort((a, b) => a.pid - b.pid);
  return found;
}
