// What one tick hands the next: CPU and descriptor samples per process, and every pane and session
// seen on the server (remembered for a while, so what a gone pane left behind can still be traced).
// Pure: the next history is a function of the last, the world read and the snapshot made of it.

import type { ClassifyConfig } from './classify-config.js';
import type { Sample } from './growth.js';
import { type LimitTrack, nextLimitTrack } from './limits.js';
import { indexRegistry } from './registry-index.js';
import type { ProcKey, RawWorld, Snapshot, TmuxState } from './types.js';

/** A pane orch-top has seen, remembered so that what it leaves behind can be traced after it is gone. */
export interface SeenPane {
  serverPid: number;
  paneId: string;
  sessionId: string;
  sessionName: string;
  agent: boolean;
  agentId: string | null;
  panePid: number;
  /** The pane process's start time (clock ticks after boot); null or absent when unknown (a pane
   *  memory written before it was kept): such a pane gives no session-id evidence. */
  paneStart?: number | null;
  /** The server's start time: the server is (pid, start time); null or absent when unknown. */
  serverStart?: number | null;
  /** The last look that saw it, epoch ms. */
  lastSeen: number;
  /** The same look on the start-time clock (ProcTable.nowTicks), to bound which processes can be the
   *  pane's leftovers; null or absent when unknown (then only a margin of the wall clock serves). */
  lastSeenTicks?: number | null;
}

/** What one tick hands the next: CPU and descriptor samples, and the panes seen so far. */
export interface History {
  cpu: Map<ProcKey, { ticks: number; at: number }>;
  fds: Map<ProcKey, Sample[]>;
  /** key `${serverPid}:${paneId}` */
  panes: Map<string, SeenPane>;
  /** key `${serverPid}:${sessionId}` */
  sessions: Map<string, Omit<SeenPane, 'panePid' | 'paneId'>>;
  /** Since when each agent session has been over each limit, and when it last used CPU (model/limits.ts);
   *  absent: nothing seen yet. */
  limits?: LimitTrack;
}

export const emptyHistory = (): History => ({ cpu: new Map(), fds: new Map(), panes: new Map(), sessions: new Map() });

export const procKey = (pid: number, startTime: number): ProcKey => `${pid}:${startTime}`;

/** A process's descriptor series with this tick's count added (a count that could not be read adds nothing). */
export function nextSeries(past: Sample[], count: number | null, now: number, size: number): Sample[] {
  return count === null ? past : [...past, { t: now, n: count }].slice(-size);
}

function rememberPanes(hist: History, raw: RawWorld, snap: Snapshot): Pick<History, 'panes' | 'sessions'> {
  const panes = new Map(hist.panes);
  const sessions = new Map(hist.sessions);
  const registry = indexRegistry(raw.workspaces).bySession;
  for (const t of raw.tmux) rememberServer(t, raw, snap, registry, panes, sessions);
  return { panes, sessions };
}

/** One server's panes and sessions, keyed by its pid (a server never reuses ids; another server does). */
function rememberServer(
  t: TmuxState,
  raw: RawWorld,
  snap: Snapshot,
  registry: ReturnType<typeof indexRegistry>['bySession'],
  panes: History['panes'],
  sessions: History['sessions'],
): void {
  const serverPid = t.running ? t.serverPid : null;
  if (serverPid === null) return;
  const serverStart = raw.procs.procs.get(serverPid)?.startTime ?? null;
  const agentSessions = new Map(snap.sessions.filter((s) => s.server === t.label).map((s) => [s.id, s]));
  for (const pane of t.panes) {
    const s = agentSessions.get(pane.sessionId);
    const seen = {
      serverPid,
      serverStart,
      sessionId: pane.sessionId,
      sessionName: pane.sessionName,
      agent: !!s,
      agentId: s?.agent?.agentId ?? registry.get(pane.sessionName)?.agent.agentId ?? null,
      lastSeen: raw.takenAt,
      lastSeenTicks: raw.procs.nowTicks ?? null,
    };
    const pp = raw.procs.procs.get(pane.panePid);
    const prev = panes.get(`${serverPid}:${pane.paneId}`);
    // A dead pane's process is gone: keep the start time an earlier look read, if it was this pid.
    const paneStart = pp && !pane.paneDead ? pp.startTime : prev?.panePid === pane.panePid ? (prev.paneStart ?? null) : null;
    panes.set(`${serverPid}:${pane.paneId}`, { ...seen, paneId: pane.paneId, panePid: pane.panePid, paneStart });
    sessions.set(`${serverPid}:${pane.sessionId}`, seen);
  }
}

/**
 * The next tick's history: CPU and descriptor samples of what is watched now, and every pane seen on
 * the server (remembered for cfg.paneRetentionMs, a day by default, so what a pane leaves behind can
 * still be traced).
 */
export function advanceHistory(
  hist: History,
  raw: RawWorld,
  snap: Snapshot,
  cfg: Pick<ClassifyConfig, 'historySize' | 'paneRetentionMs'> & Partial<Pick<ClassifyConfig, 'limits'>>,
): History {
  const now = raw.takenAt;
  const cpu = new Map<ProcKey, { ticks: number; at: number }>();
  for (const v of snap.processes) {
    const p = raw.procs.procs.get(v.pid);
    if (p) cpu.set(procKey(p.pid, p.startTime), { ticks: p.cpuTicks, at: now });
  }
  const fds = new Map<ProcKey, Sample[]>();
  for (const f of snap.fds) {
    const k = procKey(f.pid, f.startTime);
    fds.set(k, nextSeries(hist.fds.get(k) ?? [], f.count, now, cfg.historySize));
  }
  const { panes, sessions } = rememberPanes(hist, raw, snap);
  const keep = cfg.paneRetentionMs;
  for (const [k, v] of panes) if (now - v.lastSeen > keep) panes.delete(k);
  for (const [k, v] of sessions) if (now - v.lastSeen > keep) sessions.delete(k);
  const limits = cfg.limits ? nextLimitTrack(snap, cfg.limits, hist.limits, now) : undefined;
  return { cpu, fds, panes, sessions, ...(limits ? { limits } : {}) };
}
