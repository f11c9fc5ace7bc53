// The figures of every watched process: CPU over the last interval (from the history's tick
// counts), RSS, threads and the descriptor count, as ProcessViews in one stable order. Pure.

import { procKey, type History } from './history.js';
import { commandOf } from './process-index.js';
import type { LeakedView, ProcessRole, ProcessView, ProcInfo, RawWorld } from './types.js';

/** CPU percent of one core since the last tick; on first sight the lifetime average, as ps(1) reports %CPU. */
export function cpuOf(p: ProcInfo, prev: History['cpu'], now: number, hz: number): number {
  const last = prev.get(procKey(p.pid, p.startTime));
  if (last && now > last.at) return Math.max(0, ((p.cpuTicks - last.ticks) / hz / ((now - last.at) / 1000)) * 100);
  const life = (now - p.startedAt) / 1000;
  return life > 0 ? Math.max(0, (p.cpuTicks / hz / life) * 100) : 0;
}

/** The descriptor count read for this very process (not an earlier one with the same pid), or null. */
export function fdCountOf(p: ProcInfo, fds: RawWorld['fds']): number | null {
  const f = fds.get(p.pid);
  return f && f.startTime === p.startTime ? f.count : null;
}

export interface Watched {
  pid: number;
  role: ProcessRole;
  sessionId: string | null;
  server: string | null;
}

/** Views of the watched processes, by session id (none sorts as "~"), then pid. */
export function processViews(watched: Iterable<Watched>, procs: Map<number, ProcInfo>, fds: RawWorld['fds'], cpu: (p: ProcInfo) => number): ProcessView[] {
  const out: ProcessView[] = [];
  for (const w of watched) {
    const p = procs.get(w.pid)!;
    out.push({
      pid: p.pid,
      startTime: p.startTime,
      ppid: p.ppid,
      pgid: p.pgid,
      sid: p.sid,
      state: p.state,
      command: commandOf(p),
      startedAt: p.startedAt,
      cpu: cpu(p),
      rss: p.rss,
      threads: p.threads,
      fds: fdCountOf(p, fds),
      role: w.role,
      sessionId: w.sessionId,
      server: w.server,
    });
  }
  return out.sort((a, b) => (a.server ?? '~').localeCompare(b.server ?? '~') || (a.sessionId ?? '~').localeCompare(b.sessionId ?? '~') || a.pid - b.pid);
}

/** Leaked processes with the CPU and descriptors their process views carry. */
export function withFigures(leaked: LeakedView[], procView: ReadonlyMap<number, ProcessView>): LeakedView[] {
  return leaked.map((l) => {
    const v = procView.get(l.pid);
    return v ? { ...l, cpu: v.cpu, fds: v.fds } : l;
  });
}
