// Leaked processes: what outlived its agent pane. A process is traced by positive evidence only —
// its $TMUX/$TMUX_PANE naming a gone agent pane of a watched server (the server by socket, pid and
// start time), a session id that was a gone agent pane's pid while orch-top saw that pane, a pid the
// orchestrator recorded for a gone agent within that agent's life, or (today's claude) a gone pane's
// process whose CLAUDE_CODE_SESSION_ID an agent's own stream log names, or a gone pane's process whose
// AGENTDECK_INSTANCE_ID names a found agent-deck instance whose session is gone or an orphan (never a
// live, active one's: those are its members) — and its children leak with
// it, as do the other processes that name the same gone pane on the same server once one of them is
// traced. A pid alone is never evidence, nor a command line that names an agent, nor a claude session
// id that no agent's log names (an agent may inherit its orchestrating session's). A leftover of a
// gone pane no agent can be traced to is a stray: listed, never touched. Pure.

import type { SeenPane } from './history.js';
import { commandOf, descendantsOf, isSessionLeaderAlive, type ProcessIndex } from './process-index.js';
import type { RegistryEntry, RegistryIndex } from './registry-index.js';
import { paneKey } from './sessions.js';
import type { MarkedInstance } from './sources.js';
import type { ClaudeLogSession, EnvTrace, LeakedView, ProcInfo } from './types.js';

/** A watched server, by its socket path: its label, and its pid while it answers. */
export interface WatchedServer {
  label: string;
  serverPid: number | null;
}

export interface LeaksInput {
  index: ProcessIndex;
  untouchable: ReadonlySet<number>;
  /** Processes an agent session already holds. */
  assigned: ReadonlyMap<number, unknown>;
  orchTree: ReadonlySet<number>;
  env: ReadonlyMap<number, EnvTrace>;
  registry: RegistryIndex;
  /** Every live pane of every watched server, by paneKey (server pid and pane id). */
  livePanes: ReadonlyMap<string, { sessionId: string; server: string; agent: boolean }>;
  liveSessionNames: ReadonlySet<string>;
  /** Every watched server (running or not) by socket path. */
  servers: ReadonlyMap<string, WatchedServer>;
  /** With every server of the user watched: their directory (a $TMUX naming a socket in it whose
   *  server is gone is still this user's server); null when -L/-S narrowed the look. */
  socketDir: string | null;
  /** The claude session ids agents' stream logs name. */
  claudeLogs: readonly ClaudeLogSession[];
  /** Agent managers' instances whose own mark in a process's environment (AGENTDECK_INSTANCE_ID) is
   *  evidence, by id (model/sources.ts markedInstances); null: an id that is no evidence. */
  marked?: ReadonlyMap<string, MarkedInstance | null>;
  seenPanes: ReadonlyMap<string, SeenPane>;
  seenSessions: ReadonlyMap<string, Omit<SeenPane, 'panePid' | 'paneId'>>;
}

export interface LeaksFound {
  leaked: LeakedView[];
  strays: LeakedView[];
  leakedPids: Set<number>;
  /** Processes whose agent pane still exists (a daemonized child): its session's, by pid. */
  adopted: Map<number, { sessionId: string; server: string }>;
}

type Seen = { sessionId: string | null; server?: string | null; sessionName: string | null; agentId: string | null };
/** A gone pane a process names: `${socket path}|${server pid}|${pane id}`, so one pane id on two servers is two panes. */
type GonePane = string;
type Verdict = (({ leaked: LeakedView } | { stray: LeakedView } | { adopt: { sessionId: string; server: string } }) & { gone?: GonePane }) | null;

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
    server: seen.server ?? null,
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
  /** The agent a claude session id belongs to by its stream log; null when two agents' logs name it. */
  claudeAgent: Map<string, RegistryEntry | null>;
  /** The label of a running server, by pid. */
  labelOfPid: Map<number, string>;
}

function claudeAgents(x: LeaksInput): Map<string, RegistryEntry | null> {
  const out = new Map<string, RegistryEntry | null>();
  for (const l of x.claudeLogs) {
    const e = x.registry.byId.get(l.agentId);
    if (!e || e.ws.path !== l.workspace) continue;
    const prev = out.get(l.sessionId);
    out.set(l.sessionId, prev === undefined || prev?.agent.agentId === l.agentId ? e : null);
  }
  return out;
}

function makeTracer(x: LeaksInput): Tracer {
  const entries = [...x.registry.byId.values()];
  const needles = entries.map((e) => [e.agent.agentId, e.agent.tmuxSession].filter((s): s is string => !!s));
  const seenAgentPanePids = new Map<number, SeenPane[]>();
  for (const sp of x.seenPanes.values()) if (sp.agent) seenAgentPanePids.set(sp.panePid, [...(seenAgentPanePids.get(sp.panePid) ?? []), sp]);
  const labelOfPid = new Map<number, string>();
  for (const s of x.servers.values()) if (s.serverPid !== null) labelOfPid.set(s.serverPid, s.label);
  return {
    x,
    recordedAgentOf: recordedPids(x),
    namedAgent: (p) => entries.find((_, i) => mentions(p.cmdline, needles[i]!)) ?? null,
    seenAgentPanePids,
    claudeAgent: claudeAgents(x),
    labelOfPid,
  };
}

/** Whether a $TMUX socket path is a watched server's (or, watching them all, in the user's directory). */
function watchedSocket(x: LeaksInput, socketPath: string): boolean {
  if (x.servers.has(socketPath)) return true;
  if (x.socketDir === null || !socketPath.startsWith(`${x.socketDir}/`)) return false;
  return !socketPath.slice(x.socketDir.length + 1).includes('/');
}

/** The label a $TMUX socket path reads as: its watched server's, else "-S path". */
function labelOfSocket(x: LeaksInput, socketPath: string): string {
  return x.servers.get(socketPath)?.label ?? `-S ${socketPath}`;
}

/**
 * Today's claude: the agent whose own stream log names the process's CLAUDE_CODE_SESSION_ID, when
 * that agent's session is gone and the process did not start before the agent did. Only for a
 * process whose pane is gone (the caller's): a session id alone is never enough.
 */
function claudeTrace(tr: Tracer, p: ProcInfo, env: EnvTrace | undefined): RegistryEntry | null {
  const id = env?.claudeSession;
  if (!id) return null;
  const e = tr.claudeAgent.get(id);
  if (!e) return null;
  if (e.agent.tmuxSession && tr.x.liveSessionNames.has(e.agent.tmuxSession)) return null;
  const started = e.agent.startedAt ? Date.parse(e.agent.startedAt) : NaN;
  if (Number.isFinite(started) && p.startedAt < started - SLACK_MS) return null;
  return e;
}

/**
 * An agent manager's own mark: the instance its AGENTDECK_INSTANCE_ID names, when a found state has
 * that row and its session is gone or an orphan, and the process did not start before the instance
 * was created. Only for a process whose pane is gone (the caller's).
 */
function markTrace(tr: Tracer, p: ProcInfo, env: EnvTrace): MarkedInstance | null {
  const id = env.agentDeckInstance;
  const m = id ? tr.x.marked?.get(id) : null;
  if (!m) return null;
  const created = m.entry.agent.startedAt ? Date.parse(m.entry.agent.startedAt) : NaN;
  if (Number.isFinite(created) && p.startedAt < created - SLACK_MS) return null;
  return m;
}

function markedLeak(p: ProcInfo, m: MarkedInstance, env: EnvTrace, label: string, on: string): LeakedView {
  const a = m.entry.agent;
  const state = m.why === 'gone' ? 'is gone' : 'is an orphan';
  const why = `its pane ${env.tmuxPane ?? '?'}${on} is gone and its AGENTDECK_INSTANCE_ID names ${m.manager} instance ${a.agentId}, whose session ${a.tmuxSession ?? '?'} ${state}`;
  return leakView(p, why, env.tmuxPane, { sessionId: null, server: label, sessionName: a.tmuxSession, agentId: a.agentId });
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

/** A process whose $TMUX names a watched server's socket: its pane is live, or gone and traced, or a stray. */
function traceByPane(
  tr: Tracer,
  p: ProcInfo,
  t: { socketPath: string; serverPid: number; sessionIndex: number },
  env: EnvTrace,
  rec: RegistryEntry | null,
): Verdict {
  const { x } = tr;
  const paneId = env.tmuxPane;
  const srv = x.servers.get(t.socketPath);
  const live = srv?.serverPid !== null && srv?.serverPid === t.serverPid && paneId ? x.livePanes.get(paneKey(t.serverPid, paneId)) : undefined;
  // Its pane still exists: it is part of that session (a daemonized agent child), not a leak.
  if (live) return live.agent ? { adopt: { sessionId: live.sessionId, server: live.server } } : null;
  const label = labelOfSocket(x, t.socketPath);
  // With one server watched (-L/-S), "this server" says it; with several, each reason names its own.
  const on = x.servers.size > 1 || x.socketDir !== null ? ` (tmux ${label})` : '';
  const gone: GonePane | undefined = paneId ? `${t.socketPath}|${t.serverPid}|${paneId}` : undefined;
  const seen = (paneId && x.seenPanes.get(`${t.serverPid}:${paneId}`)) || x.seenSessions.get(`${t.serverPid}:$${t.sessionIndex}`);
  if (seen && fromSeenServer(x.index, p, t.serverPid, seen)) {
    if (!seen.agent) return null; // a leftover of a personal session: never orch-top's
    return { leaked: leakView(p, `its pane ${paneId ?? '?'} of ${seen.sessionName}${on} is gone`, paneId, { ...seen, server: label }), gone };
  }
  if (rec) return { leaked: recordedLeak(p, rec, paneId), gone };
  const claude = seen ? null : claudeTrace(tr, p, env);
  if (claude) {
    const why = `its pane ${paneId ?? '?'}${on} is gone and agent ${claude.agent.agentId}'s stream log names its CLAUDE_CODE_SESSION_ID ${env.claudeSession}`;
    return { leaked: leakView(p, why, paneId, { sessionId: null, server: label, sessionName: claude.agent.tmuxSession, agentId: claude.agent.agentId }), gone };
  }
  const mark = seen ? null : markTrace(tr, p, env);
  if (mark) return { leaked: markedLeak(p, mark, env, label, on), gone };
  const why = seen
    ? `its pane ${paneId ?? '?'} is gone, but its server pid ${t.serverPid} may be another server's`
    : `its pane ${paneId ?? '?'} ${on ? `on tmux ${label}` : 'on this server'} is gone; no agent could be traced`;
  return { stray: strayView(tr, p, paneId, why), gone: seen ? undefined : gone };
}

/** A seen agent pane (gone now) whose pid is the process's session id, within the pane's seen life. */
function paneOfSid(tr: Tracer, p: ProcInfo): SeenPane | null {
  const { x } = tr;
  if (isSessionLeaderAlive(x.index.procs, p.sid)) return null;
  for (const sp of tr.seenAgentPanePids.get(p.sid) ?? []) {
    if (!paneGone(tr, sp)) continue;
    if (insidePaneLife(p, sp)) return sp;
  }
  return null;
}

/**
 * Whether a seen pane is gone: its server answered this look without it, or that server (pid and
 * start time) is not running any more. A pane of a server this look did not ask (narrowed to
 * another one) that still runs may be live: not gone.
 */
function paneGone(tr: Tracer, sp: SeenPane): boolean {
  if (tr.x.livePanes.has(paneKey(sp.serverPid, sp.paneId))) return false;
  if (tr.labelOfPid.has(sp.serverPid)) return true;
  const now = tr.x.index.procs.get(sp.serverPid);
  return !now || now.state === 'Z' || (sp.serverStart !== undefined && sp.serverStart !== null && now.startTime !== sp.serverStart);
}

function traceOne(tr: Tracer, p: ProcInfo): Verdict {
  const { x } = tr;
  const env = x.env.get(p.pid);
  const rec = tr.recordedAgentOf(p);
  const t = env?.tmux ? parseTmuxEnv(env.tmux) : null;
  const watched = t !== null && watchedSocket(x, t.socketPath);
  if (t && watched) return traceByPane(tr, p, t, env!, rec);
  // No usable $TMUX (a cleared environment): the session id may still be a gone agent pane's pid.
  const sp = paneOfSid(tr, p);
  if (sp) {
    const server = tr.labelOfPid.get(sp.serverPid) ?? null;
    return { leaked: leakView(p, `its session id ${p.sid} was the pane process of ${sp.sessionName}, which is gone`, null, { ...sp, server }) };
  }
  // No trace through tmux, but the orchestrator itself recorded this process for a gone agent.
  if (rec && !(t && !watched && env?.tmuxPane)) return { leaked: recordedLeak(p, rec, null) };
  return null;
}

/**
 * A gone pane's processes belong to one agent once one of them is traced: the strays that name the
 * same gone pane (TMUX_PANE on the same server; a server never reuses pane ids) leak with it. A
 * pane two agents were traced through stays as it is.
 */
function withPaneMates(found: LeaksFound, goneOf: Map<number, GonePane>): void {
  const tracedBy = new Map<GonePane, LeakedView | null>();
  for (const l of found.leaked) {
    const g = goneOf.get(l.pid);
    if (!g || !l.agentId) continue;
    const prev = tracedBy.get(g);
    tracedBy.set(g, prev === undefined || prev?.agentId === l.agentId ? l : null);
  }
  const strays: LeakedView[] = [];
  for (const st of found.strays) {
    const g = goneOf.get(st.pid);
    const by = g ? tracedBy.get(g) : undefined;
    if (!by) {
      strays.push(st);
      continue;
    }
    found.leaked.push({
      ...st,
      reason: `it names the same gone pane ${st.pane ?? '?'} as leaked process ${by.pid} of agent ${by.agentId}`,
      sessionId: by.sessionId,
      server: by.server ?? null,
      sessionName: by.sessionName,
      agentId: by.agentId,
    });
    found.leakedPids.add(st.pid);
  }
  found.strays = strays;
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
  const goneOf = new Map<number, GonePane>();
  for (const p of x.index.procs.values()) {
    if (x.assigned.has(p.pid) || x.orchTree.has(p.pid) || x.untouchable.has(p.pid) || p.ppid === 2 || p.state === 'Z' || p.state === 'X') continue;
    const v = traceOne(tr, p);
    if (!v) continue;
    if (v.gone) goneOf.set(p.pid, v.gone);
    if ('adopt' in v) found.adopted.set(p.pid, v.adopt);
    else if ('stray' in v) found.strays.push(v.stray);
    else {
      found.leaked.push(v.leaked);
      found.leakedPids.add(p.pid);
    }
  }
  withPaneMates(found, goneOf);
  withLeakedChildren(x, found);
  found.strays = found.strays.filter((st) => !found.leakedPids.has(st.pid));
  found.leaked.sort((a, b) => a.pid - b.pid);
  found.strays.sort((a, b) => a.pid - b.pid);
  return found;
}
