// Every rule about what orch-top sees lives here, as pure functions of what the collectors read:
// which sessions are agent sessions, which are orphans and why, which processes leaked, which
// zombies are in scope, whose descriptors grow. No I/O, no clock: `raw.takenAt` is "now".
// The definitions are DESIGN.md's "What counts as a finding".

import { DEFAULT_GROWTH, judgeGrowth, type GrowthOptions, type Sample } from './growth.js';
import type {
  AgentRef,
  EnvTrace,
  FdView,
  GhostView,
  LeakedView,
  OrchestratorView,
  OrphanReason,
  ProcInfo,
  ProcKey,
  ProcessRole,
  ProcessView,
  RawWorld,
  RegistryAgent,
  SessionView,
  Snapshot,
  TmuxPane,
  WorkspaceState,
  ZombieView,
} from './types.js';

export const ACTIVE_STATUSES = new Set(['running', 'working', 'blocked', 'reviewing']);
export const TERMINAL_STATUSES = new Set(['completed', 'terminated', 'error', 'failed', 'killed', 'phase_completed']);

export interface ClassifyConfig {
  /** Session name prefixes that make a session an agent session (default ["claude-agent-"]). */
  prefixes: string[];
  /** The socket path the watched server has (or would have): how $TMUX of its panes reads. */
  socketPath: string | null;
  growth: GrowthOptions;
  /** Samples of descriptor history kept per process. */
  historySize: number;
  /** How long a pane that is gone is remembered, to trace what it left behind. */
  paneRetentionMs: number;
}

export const DEFAULT_CLASSIFY: ClassifyConfig = {
  prefixes: ['claude-agent-'],
  socketPath: null,
  growth: DEFAULT_GROWTH,
  historySize: 60,
  paneRetentionMs: 24 * 3_600_000,
};

/** A pane orch-top has seen, remembered so that what it leaves behind can be traced after it is gone. */
export interface SeenPane {
  serverPid: number;
  paneId: string;
  sessionId: string;
  sessionName: string;
  agent: boolean;
  agentId: string | null;
  panePid: number;
  lastSeen: number;
}

/** What one tick hands the next: CPU and descriptor samples, and the panes seen so far. */
export interface History {
  cpu: Map<ProcKey, { ticks: number; at: number }>;
  fds: Map<ProcKey, Sample[]>;
  /** key `${serverPid}:${paneId}` */
  panes: Map<string, SeenPane>;
  /** key `${serverPid}:${sessionId}` */
  sessions: Map<string, Omit<SeenPane, 'panePid' | 'paneId'>>;
}

export const emptyHistory = (): History => ({ cpu: new Map(), fds: new Map(), panes: new Map(), sessions: new Map() });

const key = (pid: number, startTime: number): ProcKey => `${pid}:${startTime}`;

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

export function commandOf(p: ProcInfo): string {
  return p.cmdline.length ? p.cmdline.join(' ') : `[${p.comm}]`;
}

interface RegistryEntry {
  agent: RegistryAgent;
  ws: WorkspaceState;
}

/** Agents by session name and by id; SQLite beats JSON where both name an agent, else the first workspace wins. */
export function indexRegistry(workspaces: WorkspaceState[]): { bySession: Map<string, RegistryEntry>; byId: Map<string, RegistryEntry> } {
  const byId = new Map<string, RegistryEntry>();
  for (const ws of workspaces) {
    for (const agent of ws.agents) {
      const prev = byId.get(agent.agentId);
      if (!prev || (prev.agent.source === 'json' && agent.source === 'sqlite')) byId.set(agent.agentId, { agent, ws });
    }
  }
  const bySession = new Map<string, RegistryEntry>();
  for (const e of byId.values()) if (e.agent.tmuxSession && !bySession.has(e.agent.tmuxSession)) bySession.set(e.agent.tmuxSession, e);
  return { bySession, byId };
}

function agentRef(e: RegistryEntry): AgentRef {
  return {
    agentId: e.agent.agentId,
    taskId: e.agent.taskId,
    type: e.agent.type,
    project: e.ws.project,
    workspace: e.ws.path,
    registryStatus: e.agent.status,
    registrySource: e.agent.source,
    taskDescription: e.agent.taskDescription,
  };
}

/** $TMUX is "<socket path>,<server pid>,<session index>". */
export function parseTmuxEnv(v: string): { socketPath: string; serverPid: number; sessionIndex: number } | null {
  const m = /^(.*),(\d+),(\d+)$/.exec(v);
  return m ? { socketPath: m[1]!, serverPid: Number(m[2]), sessionIndex: Number(m[3]) } : null;
}

/** Whether any argv word names the agent (its id or its session name) as a whole word. */
function mentions(argv: string[], needles: string[]): boolean {
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

export function classify(raw: RawWorld, cfg: ClassifyConfig, hist: History): Snapshot {
  const now = raw.takenAt;
  const procs = raw.procs.procs;
  const children = new Map<number, number[]>();
  const bySid = new Map<number, number[]>();
  for (const p of procs.values()) {
    let c = children.get(p.ppid);
    if (!c) children.set(p.ppid, (c = []));
    c.push(p.pid);
    let s = bySid.get(p.sid);
    if (!s) bySid.set(p.sid, (s = []));
    s.push(p.pid);
  }
  const descendants = (root: number, into: Set<number>) => {
    const stack = [...(children.get(root) ?? [])];
    while (stack.length) {
      const pid = stack.pop()!;
      if (into.has(pid)) continue;
      into.add(pid);
      stack.push(...(children.get(pid) ?? []));
    }
  };

  // Never anything of our own, the tmux server, or init.
  const untouchable = new Set<number>([0, 1, 2, raw.self.pid, ...raw.self.ancestors]);
  if (raw.tmux.serverPid) untouchable.add(raw.tmux.serverPid);

  const registry = indexRegistry(raw.workspaces);
  // A workspace that is gone hides nothing; one read in part (an error) might.
  const registryWhole = raw.workspaces.every((w) => !w.error || w.gone);

  // ---- the orchestrators and their trees ------------------------------------------------------------
  // One per project may run. Each serves the workspace its environment or working directory names; one
  // whose workspace is unknown is taken to own every workspace (when unsure, nothing is an orphan).
  const rootPids = raw.orchestrator.roots ?? raw.orchestrator.pids;
  const orchProcs = rootPids
    .map((pid) => procs.get(pid))
    .filter((p): p is ProcInfo => !!p && p.state !== 'Z' && p.state !== 'X' && !untouchable.has(p.pid))
    .sort((a, b) => a.startTime - b.startTime || a.pid - b.pid);
  const orchTree = new Set<number>();
  const treeOf = new Map<number, Set<number>>();
  for (const o of orchProcs) {
    const t = new Set<number>([o.pid]);
    descendants(o.pid, t);
    treeOf.set(o.pid, t);
    for (const pid of t) orchTree.add(pid);
  }
  const orchProc = orchProcs[0] ?? null;
  const placementOf = (pid: number) => raw.orchestrator.placements?.get(pid) ?? { workspace: null, realWorkspace: null, by: null };
  /** Whether an orchestrator placed at `pl` serves the watched workspace `w` (by real path). */
  const serves = (pl: ReturnType<typeof placementOf>, w: WorkspaceState) => pl.realWorkspace === (w.realPath ?? w.path) || pl.workspace === w.path;
  /** The running orchestrator that owns a workspace's agents, or null. */
  const ownerOf = (w: WorkspaceState): ProcInfo | null => {
    for (const o of orchProcs) {
      const pl = placementOf(o.pid);
      if (pl.realWorkspace === null || serves(pl, w)) return o;
    }
    return null;
  };

  // ---- sessions: group panes, decide which are agent sessions ------------------------------------
  const bySession = new Map<string, TmuxPane[]>();
  for (const pane of raw.tmux.panes) {
    let list = bySession.get(pane.sessionId);
    if (!list) bySession.set(pane.sessionId, (list = []));
    list.push(pane);
  }
  const assigned = new Map<number, { sessionId: string; role: ProcessRole }>();
  const livePanes = new Map<string, { sessionId: string; agent: boolean }>();
  const liveSessionNames = new Set<string>();
  let otherSessions = 0;
  interface Draft {
    view: Omit<SessionView, 'processes' | 'cpu' | 'rss' | 'fds'>;
    pids: Set<number>;
  }
  const drafts: Draft[] = [];
  for (const [sessionId, panes] of bySession) {
    const first = panes[0]!;
    const name = first.sessionName;
    liveSessionNames.add(name);
    const reg = registry.bySession.get(name) ?? null;
    const byPrefix = cfg.prefixes.some((p) => p.length > 0 && name.startsWith(p));
    const isAgent = reg !== null || byPrefix;
    for (const pane of panes) livePanes.set(pane.paneId, { sessionId, agent: isAgent });
    if (!isAgent) {
      otherSessions++;
      continue;
    }
    const pids = new Set<number>();
    for (const pane of panes) {
      if (pane.paneDead || !procs.has(pane.panePid) || untouchable.has(pane.panePid)) continue;
      const mark = (pid: number, role: ProcessRole) => {
        if (untouchable.has(pid) || assigned.has(pid)) return;
        assigned.set(pid, { sessionId, role });
        pids.add(pid);
      };
      mark(pane.panePid, 'pane');
      const tree = new Set<number>();
      descendants(pane.panePid, tree);
      for (const pid of tree) mark(pid, 'descendant');
      // Processes that left the tree (double fork, re-parented) keep the pane's session id.
      const sid = procs.get(pane.panePid)!.sid;
      if (sid === pane.panePid)
        for (const pid of bySid.get(sid) ?? []) {
          if (assigned.has(pid)) continue;
          mark(pid, 'session-member');
          const sub = new Set<number>();
          descendants(pid, sub);
          for (const d of sub) mark(d, 'session-member');
        }
    }
    const reasons: OrphanReason[] = [];
    // A registry agent is owned by its workspace's orchestrator; a prefix-only session by any.
    const owner = reg ? ownerOf(reg.ws) : orchProc;
    if (!owner) reasons.push('orchestrator-down');
    // What the registry says only counts when it could be read whole: a locked SQLite state beside an
    // older JSON registry would otherwise hand us a stale terminal status, and an unreadable workspace
    // would make every one of its agents "unknown" for a tick — and a --reap would kill live agents.
    if (reg && TERMINAL_STATUSES.has(reg.agent.status) && !reg.ws.error) reasons.push('terminal-status');
    if (!reg && byPrefix && registryWhole) reasons.push('unknown-to-registry');
    if (panes.every((p) => p.paneDead)) reasons.push('panes-dead');
    drafts.push({
      view: {
        id: sessionId,
        name,
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
        panes: panes.map((p) => ({ id: p.paneId, pid: p.panePid, dead: p.paneDead, command: p.currentCommand })),
      },
      pids,
    });
  }
  const draftById = new Map(drafts.map((d) => [d.view.id, d]));

  // ---- leaked processes: what outlived its pane -----------------------------------------------------
  const leaked: LeakedView[] = [];
  const strays: LeakedView[] = [];
  const leakedPids = new Set<number>();
  const serverPid = raw.tmux.running ? raw.tmux.serverPid : null;
  const socketPath = raw.tmux.socketPath ?? cfg.socketPath;
  const agentNeedles = [...registry.byId.values()].map((e) => [e.agent.agentId, e.agent.tmuxSession].filter((x): x is string => !!x));
  const attributeByCmdline = (p: ProcInfo): RegistryEntry | null => {
    const list = [...registry.byId.values()];
    for (let i = 0; i < list.length; i++) if (mentions(p.cmdline, agentNeedles[i]!)) return list[i]!;
    return null;
  };
  // Pane pids we saw in agent sessions, by pid, to trace processes that kept the pane's sid.
  const seenAgentPanePids = new Map<number, SeenPane>();
  for (const sp of hist.panes.values()) if (sp.agent) seenAgentPanePids.set(sp.panePid, sp);

  const leakView = (p: ProcInfo, reason: string, pane: string | null, seen: { sessionId: string | null; sessionName: string | null; agentId: string | null }): LeakedView => ({
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
  });

  // Pids the registry recorded (claude_pid, cursor_pid) of agents whose session is gone. Pids are
  // reused, so a process only counts when it started within the agent's life.
  const recorded = new Map<number, RegistryEntry>();
  for (const e of registry.byId.values()) {
    if (e.agent.tmuxSession && liveSessionNames.has(e.agent.tmuxSession)) continue;
    for (const pid of [e.agent.claudePid, e.agent.cursorPid]) if (pid) recorded.set(pid, e);
  }
  const recordedAgentOf = (p: ProcInfo): RegistryEntry | null => {
    const e = recorded.get(p.pid);
    if (!e) return null;
    const started = e.agent.startedAt ? Date.parse(e.agent.startedAt) : NaN;
    const ended = e.agent.completedAt ? Date.parse(e.agent.completedAt) : NaN;
    const SLACK = 5_000; // the registry's clock and /proc's boot-time arithmetic differ by a little
    if (!Number.isFinite(started) || p.startedAt < started - SLACK) return null; // older than the agent: not its process
    if (Number.isFinite(ended) && p.startedAt > ended + SLACK) return null; // started after the agent ended
    return e;
  };
  const recordedLeak = (p: ProcInfo, e: RegistryEntry, paneId: string | null): LeakedView =>
    leakView(p, `recorded as ${p.pid === e.agent.claudePid ? 'claude_pid' : 'cursor_pid'} of agent ${e.agent.agentId}, whose session ${e.agent.tmuxSession ?? '?'} is gone`, paneId, {
      sessionId: null,
      sessionName: e.agent.tmuxSession,
      agentId: e.agent.agentId,
    });

  for (const p of procs.values()) {
    if (assigned.has(p.pid) || orchTree.has(p.pid) || untouchable.has(p.pid) || p.ppid === 2 || p.state === 'Z' || p.state === 'X') continue;
    const env: EnvTrace | undefined = raw.env.get(p.pid);
    const rec = recordedAgentOf(p);
    const t = env?.tmux ? parseTmuxEnv(env.tmux) : null;
    if (t && socketPath && t.socketPath === socketPath) {
      const paneId = env!.tmuxPane;
      const live = serverPid !== null && t.serverPid === serverPid && paneId ? livePanes.get(paneId) : undefined;
      if (live) {
        // Its pane still exists: it is part of that session (a daemonized agent child), not a leak.
        if (live.agent) {
          assigned.set(p.pid, { sessionId: live.sessionId, role: 'session-member' });
          draftById.get(live.sessionId)?.pids.add(p.pid);
        }
        continue;
      }
      const seen = (paneId && hist.panes.get(`${t.serverPid}:${paneId}`)) || hist.sessions.get(`${t.serverPid}:$${t.sessionIndex}`);
      if (seen) {
        if (!seen.agent) continue; // a leftover of a personal session: not ours to judge
        leaked.push(
          leakView(p, `its pane ${paneId ?? '?'} of ${seen.sessionName} is gone`, paneId, {
            sessionId: seen.sessionId,
            sessionName: seen.sessionName,
            agentId: seen.agentId,
          }),
        );
        leakedPids.add(p.pid);
        continue;
      }
      const byCmd = attributeByCmdline(p);
      if (byCmd) {
        leaked.push(
          leakView(p, `its pane ${paneId ?? '?'} is gone; its command line names agent ${byCmd.agent.agentId}`, paneId, {
            sessionId: null,
            sessionName: byCmd.agent.tmuxSession,
            agentId: byCmd.agent.agentId,
          }),
        );
        leakedPids.add(p.pid);
        continue;
      }
      if (rec) {
        leaked.push(recordedLeak(p, rec, paneId));
        leakedPids.add(p.pid);
        continue;
      }
      strays.push(leakView(p, `its pane ${paneId ?? '?'} on this server is gone; no agent could be traced`, paneId, { sessionId: null, sessionName: null, agentId: null }));
      continue;
    }
    // No usable $TMUX (a cleared environment): the session id may still be a gone agent pane's pid.
    const sp = seenAgentPanePids.get(p.sid);
    const paneStillLive = sp && sp.serverPid === serverPid && livePanes.has(sp.paneId);
    if (sp && !paneStillLive && !isSessionLeaderAlive(procs, p.sid)) {
      leaked.push(
        leakView(p, `its session id ${p.sid} was the pane process of ${sp.sessionName}, which is gone`, null, {
          sessionId: sp.sessionId,
          sessionName: sp.sessionName,
          agentId: sp.agentId,
        }),
      );
      leakedPids.add(p.pid);
      continue;
    }
    if (rec && !(t && t.socketPath !== socketPath && env?.tmuxPane)) {
      // No trace through tmux, but the orchestrator itself recorded this process for a gone agent.
      leaked.push(recordedLeak(p, rec, null));
      leakedPids.add(p.pid);
    }
  }
  // Children of a leaked process are leaked with it.
  for (const l of [...leaked]) {
    const sub = new Set<number>();
    descendants(l.pid, sub);
    for (const pid of sub) {
      const c = procs.get(pid);
      if (!c || leakedPids.has(pid) || assigned.has(pid) || untouchable.has(pid) || c.state === 'Z') continue;
      leakedPids.add(pid);
      leaked.push(leakView(c, `child of leaked process ${l.pid}`, l.pane, l));
    }
  }

  // ---- CPU and descriptors of everything watched ---------------------------------------------------
  const cpuOf = (p: ProcInfo): number => {
    const prev = hist.cpu.get(key(p.pid, p.startTime));
    const hz = raw.procs.clockTicks;
    if (prev && now > prev.at) return Math.max(0, ((p.cpuTicks - prev.ticks) / hz / ((now - prev.at) / 1000)) * 100);
    // First sight: the lifetime average, as ps(1) reports %CPU.
    const life = (now - p.startedAt) / 1000;
    return life > 0 ? Math.max(0, (p.cpuTicks / hz / life) * 100) : 0;
  };
  const fdCountOf = (p: ProcInfo): number | null => {
    const f = raw.fds.get(p.pid);
    return f && f.startTime === p.startTime ? f.count : null;
  };

  const processes: ProcessView[] = [];
  const pushProc = (p: ProcInfo, role: ProcessRole, sessionId: string | null) =>
    processes.push({
      pid: p.pid,
      startTime: p.startTime,
      ppid: p.ppid,
      pgid: p.pgid,
      sid: p.sid,
      state: p.state,
      command: commandOf(p),
      startedAt: p.startedAt,
      cpu: cpuOf(p),
      rss: p.rss,
      threads: p.threads,
      fds: fdCountOf(p),
      role,
      sessionId,
    });
  for (const [pid, a] of assigned) pushProc(procs.get(pid)!, a.role, a.sessionId);
  for (const pid of orchTree) pushProc(procs.get(pid)!, treeOf.has(pid) ? 'orchestrator' : 'orchestrator-child', null);
  for (const pid of leakedPids) pushProc(procs.get(pid)!, 'leaked', null);
  processes.sort((a, b) => (a.sessionId ?? '~').localeCompare(b.sessionId ?? '~') || a.pid - b.pid);
  const procView = new Map(processes.map((p) => [p.pid, p]));
  for (const l of leaked) {
    const v = procView.get(l.pid);
    if (v) {
      l.cpu = v.cpu;
      l.fds = v.fds;
    }
  }

  const fds: FdView[] = [];
  for (const v of processes) {
    const f = raw.fds.get(v.pid);
    if (!f || f.startTime !== v.startTime) continue;
    const past = hist.fds.get(key(v.pid, v.startTime)) ?? [];
    const series = f.count === null ? past : [...past, { t: now, n: f.count }].slice(-cfg.historySize);
    const verdict = judgeGrowth(series, cfg.growth);
    fds.push({
      pid: v.pid,
      startTime: v.startTime,
      command: v.command,
      role: v.role,
      sessionId: v.sessionId,
      count: f.count,
      kinds: f.kinds,
      trend: verdict.trend,
      slopePerMin: verdict.slopePerMin,
      samples: series.length,
      history: series.map((s) => s.n),
      growth: verdict.growth,
    });
  }
  fds.sort((a, b) => Number(b.growth) - Number(a.growth) || (b.count ?? -1) - (a.count ?? -1));

  const sessions: SessionView[] = drafts
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
    .sort((a, b) => a.name.localeCompare(b.name));

  // ---- zombies ----------------------------------------------------------------------------------------
  const zombies: ZombieView[] = [];
  // A dead agent pane's process that the tmux server itself has not reaped: tmux 3.3a loses a SIGCHLD
  // now and then under load (seen here), and the pane's process stays a zombie of the server until the
  // next child of the server exits. Its pid is the pane's pid (now, with remain-on-exit, or as seen).
  const agentPanePids = new Set<number>();
  for (const d of drafts) for (const pane of d.view.panes) agentPanePids.add(pane.pid);
  for (const sp of hist.panes.values()) if (sp.agent && sp.serverPid === serverPid) agentPanePids.add(sp.panePid);
  for (const p of procs.values()) {
    if (p.state !== 'Z') continue;
    const parent = procs.get(p.ppid);
    const ofServer = serverPid !== null && p.ppid === serverPid && agentPanePids.has(p.pid);
    const inScope = assigned.has(p.ppid) || orchTree.has(p.ppid) || leakedPids.has(p.ppid) || ofServer;
    zombies.push({
      pid: p.pid,
      startTime: p.startTime,
      ppid: p.ppid,
      parentStartTime: parent?.startTime ?? null,
      command: `[${p.comm}]`,
      parentCommand: parent ? commandOf(parent) : null,
      parentInScope: inScope,
      parentIsTmuxServer: serverPid !== null && p.ppid === serverPid,
      sessionId: assigned.get(p.ppid)?.sessionId ?? null,
      startedAt: p.startedAt,
    });
  }
  zombies.sort((a, b) => Number(b.parentInScope) - Number(a.parentInScope) || a.ppid - b.ppid || a.pid - b.pid);

  // ---- ghosts: the registry says active, tmux has no such session --------------------------------------
  const ghosts: GhostView[] = [];
  if (raw.tmux.available && !raw.tmux.error) {
    for (const e of registry.byId.values()) {
      const a = e.agent;
      if (!ACTIVE_STATUSES.has(a.status) || !a.tmuxSession || liveSessionNames.has(a.tmuxSession)) continue;
      ghosts.push({
        agentId: a.agentId,
        taskId: a.taskId,
        tmuxSession: a.tmuxSession,
        project: e.ws.project,
        workspace: e.ws.path,
        registryStatus: a.status,
        registrySource: a.source,
      });
    }
    ghosts.sort((a, b) => a.agentId.localeCompare(b.agentId));
  }

  // ---- the orchestrators' own figures ----------------------------------------------------------------
  const orchestrators: OrchestratorView[] = orchProcs.map((o) => {
    const f = raw.fds.get(o.pid);
    const pl = placementOf(o.pid);
    const served = pl.realWorkspace === null ? undefined : raw.workspaces.find((w) => serves(pl, w));
    return {
      pid: o.pid,
      startTime: o.startTime,
      running: true,
      how: raw.orchestrator.how,
      command: commandOf(o),
      startedAt: o.startedAt,
      cpu: cpuOf(o),
      rss: o.rss,
      fds: f && f.startTime === o.startTime ? f.count : null,
      fdKinds: f && f.startTime === o.startTime ? f.kinds : null,
      children: [...treeOf.get(o.pid)!].filter((pid) => pid !== o.pid).sort((a, b) => a - b),
      workspace: pl.workspace,
      placedBy: pl.by,
      project: served?.project ?? null,
    };
  });
  const orchestrator = orchestrators[0] ?? null;

  const orphans = sessions.filter((s) => s.status === 'orphan').length;
  const zombiesInScope = zombies.filter((z) => z.parentInScope).length;
  const fdGrowth = fds.filter((f) => f.growth).length;
  const summary = {
    sessions: sessions.length,
    orphans,
    zombies: zombiesInScope,
    zombiesOther: zombies.length - zombiesInScope,
    leaked: leaked.length,
    strays: strays.length,
    ghosts: ghosts.length,
    fdGrowth,
    processes: processes.length,
    findings: orphans + zombiesInScope + leaked.length + ghosts.length + fdGrowth,
  };

  const server = raw.tmux.server;
  return {
    version: 1,
    takenAt: new Date(now).toISOString(),
    tmux: {
      socket: server.socketPath ? `-S ${server.socketPath}` : server.socketName ? `-L ${server.socketName}` : 'default',
      socketPath: raw.tmux.socketPath ?? cfg.socketPath,
      available: raw.tmux.available,
      running: raw.tmux.running,
      serverPid: raw.tmux.serverPid,
      error: raw.tmux.error,
      otherSessions,
    },
    orchestrator,
    orchestrators,
    orchestratorError: raw.orchestrator.error,
    workspaces: raw.workspaces.map((w) => ({ path: w.path, project: w.project, how: w.how, readable: w.readable, error: w.error, agents: w.agents.length })),
    sessions,
    processes,
    zombies,
    leaked: leaked.sort((a, b) => a.pid - b.pid),
    strays: strays.sort((a, b) => a.pid - b.pid),
    fds,
    ghosts,
    summary,
    errors: [...raw.errors],
  };
}

/** A live leader of that session id: the pane process itself, or a new process that reused the pid. */
function isSessionLeaderAlive(procs: Map<number, ProcInfo>, sid: number): boolean {
  const leader = procs.get(sid);
  return !!leader && leader.sid === sid && leader.state !== 'Z';
}

/**
 * The next tick's history: CPU and descriptor samples of what is watched now, and every pane seen on
 * the server (remembered for cfg.paneRetentionMs, a day by default, so what a pane leaves behind can
 * still be traced).
 */
export function advanceHistory(hist: History, raw: RawWorld, snap: Snapshot, cfg: ClassifyConfig): History {
  const now = raw.takenAt;
  const cpu = new Map<ProcKey, { ticks: number; at: number }>();
  for (const v of snap.processes) {
    const p = raw.procs.procs.get(v.pid);
    if (p) cpu.set(key(p.pid, p.startTime), { ticks: p.cpuTicks, at: now });
  }
  const fds = new Map<ProcKey, Sample[]>();
  for (const f of snap.fds) {
    const k = key(f.pid, f.startTime);
    const past = hist.fds.get(k) ?? [];
    fds.set(k, f.count === null ? past : [...past, { t: now, n: f.count }].slice(-cfg.historySize));
  }
  const panes = new Map(hist.panes);
  const sessions = new Map(hist.sessions);
  const serverPid = raw.tmux.running ? raw.tmux.serverPid : null;
  if (serverPid !== null) {
    const registry = indexRegistry(raw.workspaces).bySession;
    const agentSessions = new Map(snap.sessions.map((s) => [s.id, s]));
    for (const pane of raw.tmux.panes) {
      const s = agentSessions.get(pane.sessionId);
      const seen = {
        serverPid,
        sessionId: pane.sessionId,
        sessionName: pane.sessionName,
        agent: !!s,
        agentId: s?.agent?.agentId ?? registry.get(pane.sessionName)?.agent.agentId ?? null,
        lastSeen: now,
      };
      panes.set(`${serverPid}:${pane.paneId}`, { ...seen, paneId: pane.paneId, panePid: pane.panePid });
      sessions.set(`${serverPid}:${pane.sessionId}`, seen);
    }
  }
  const keep = cfg.paneRetentionMs;
  for (const [k, v] of panes) if (now - v.lastSeen > keep) panes.delete(k);
  for (const [k, v] of sessions) if (now - v.lastSeen > keep) sessions.delete(k);
  return { cpu, fds, panes, sessions };
}
