// Leaked processes: what outlived its agent pane. A process is traced by positive evidence only —
// its $TMUX/$TMUX_PANE naming a gone pane of this server, a session id that was a gone agent pane's
// pid, or a pid the orchestrator recorded for a gone agent within that agent's life — and its
// children leak with it. A leftover of a gone pane no agent can be traced to is a stray: listed,
// never touched. Pure.

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

/**
 * Pids the registry recorded (claude_pid, cursor_pid) of agents whose session is gone, and which
 * of them a process is. Pids are reused, so a process only counts when it started within the agent's life.
 */
function recordedPids(registry: RegistryIndex, liveSessionNames: ReadonlySet<string>): (p: ProcInfo) => RegistryEntry | null {
  const recorded = new Map<number, RegistryEntry>();
  for (const e of registry.byId.values()) {
    if (e.agent.tmuxSession && liveSessionNames.has(e.agent.tmuxSession)) continue;
    for (const pid of [e.agent.claudePid, e.agent.cursorPid]) if (pid) recorded.set(pid, e);
  }
  return (p) => {
    const e = recorded.get(p.pid);
    if (!e) return null;
    const started = e.agent.startedAt ? Date.parse(e.agent.startedAt) : NaN;
    const ended = e.agent.completedAt ? Date.parse(e.agent.completedAt) : NaN;
    if (!Number.isFinite(started) || p.startedAt < started - SLACK_MS) return null; // older than the agent: not its process
    if (Number.isFinite(ended) && p.startedAt > ended + SLACK_MS) return null; // started after the agent ended
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
  attributeByCmdline: (p: ProcInfo) => RegistryEntry | null;
  /** Pane pids seen in agent sessions, to trace processes that kept the pane's sid. */
  seenAgentPanePids: Map<number, SeenPane>;
}

function makeTracer(x: LeaksInput): Tracer {
  const entries = [...x.registry.byId.values()];
  const needles = entries.map((e) => [e.agent.agentId, e.agent.tmuxSession].filter((s): s is string => !!s));
  const seenAgentPanePids = new Map<number, SeenPane>();
  for (const sp of x.seenPanes.values()) if (sp.agent) seenAgentPanePids.set(sp.panePid, sp);
  return {
    x,
    recordedAgentOf: recordedPids(x.registry, x.liveSessionNames),
    attributeByCmdline: (p) => entries.find((_, i) => mentions(p.cmdline, needles[i]!)) ?? null,
    seenAgentPanePids,
  };
}

/** A process whose $TMUX names this server's socket: its pane is live, or gone and traced, or a stray. */
function traceByPane(tr: Tracer, p: ProcInfo, t: { serverPid: number; sessionIndex: number }, paneId: string | null, rec: RegistryEntry | null): Verdict {
  const { x } = tr;
  const live = x.serverPid !== null && t.serverPid === x.serverPid && paneId ? x.livePanes.get(paneId) : undefined;
  // Its pane still exists: it is part of that session (a daemonized agent child), not a leak.
  if (live) return live.agent ? { adopt: live.sessionId } : null;
  const seen = (paneId && x.seenPanes.get(`${t.serverPid}:${paneId}`)) || x.seenSessions.get(`${t.serverPid}:$${t.sessionIndex}`);
  if (seen) {
    if (!seen.agent) return null; // a leftover of a personal session: not ours to judge
    return { leaked: leakView(p, `its pane ${paneId ?? '?'} of ${seen.sessionName} is gone`, paneId, seen) };
  }
  const byCmd = tr.attributeByCmdline(p);
  if (byCmd)
    return {
      leaked: leakView(p, `its pane ${paneId ?? '?'} is gone; its command line names agent ${byCmd.agent.agentId}`, paneId, {
        sessionId: null,
        sessionName: byCmd.agent.tmuxSession,
        agentId: byCmd.agent.agentId,
      }),
    };
  if (rec) return { leaked: recordedLeak(p, rec, paneId) };
  return {
    stray: leakView(p, `its pane ${paneId ?? '?'} on this server is gone; no agent could be traced`, paneId, {
      sessionId: null,
      sessionName: null,
      agentId: null,
    }),
  };
}

function traceOne(tr: Tracer, p: ProcInfo): Verdict {
  const { x } = tr;
  const env = x.env.get(p.pid);
  const rec = tr.recordedAgentOf(p);
  const t = env?.tmux ? parseTmuxEnv(env.tmux) : null;
  if (t && x.socketPath && t.socketPath === x.socketPath) return traceByPane(tr, p, t, env!.tmuxPane, rec);
  // No usable $TMUX (a cleared environment): the session id may still be a gone agent pane's pid.
  const sp = tr.seenAgentPanePids.get(p.sid);
  const paneStillLive = sp && sp.serverPid === x.serverPid && x.livePanes.has(sp.paneId);
  if (sp && !paneStillLive && !isSessionLeaderAlive(x.index.procs, p.sid))
    return { leaked: leakView(p, `its session id ${p.sid} was the pane process of ${sp.sessionName}, which is gone`, null, sp) };
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
