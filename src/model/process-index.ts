// The process table as the rules walk it: children by parent, members by session id, one tree walk,
// and the set of pids never to touch (init and kthreadd, orch-top and its ancestors, the tmux
// server). One copy for classify, the plan and the executor's guard. Pure: no reads of the world
// (selfAndAncestors is handed the lookup; its default `self` is this process's own pid, a constant).

import type { ProcInfo, RawWorld } from './types.js';

export interface ProcessIndex {
  procs: Map<number, ProcInfo>;
  children: Map<number, number[]>;
  bySid: Map<number, number[]>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Children by parent pid, of anything with a pid and a ppid (ProcInfo, ProcessView, LeakedView). */
export function childrenOf(items: Iterable<{ pid: number; ppid: number }>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const p of items) push(out, p.ppid, p.pid);
  return out;
}

export function indexProcesses(procs: Map<number, ProcInfo>): ProcessIndex {
  const bySid = new Map<number, number[]>();
  for (const p of procs.values()) push(bySid, p.sid, p.pid);
  return { procs, children: childrenOf(procs.values()), bySid };
}

/** Every descendant of `root` (not `root` itself), breadth first, each once even if the table loops. */
export function descendantsOf(children: Map<number, number[]>, root: number): number[] {
  const seen = new Set<number>([root]);
  const out: number[] = [];
  for (let i = -1; i < out.length; i++) {
    for (const c of children.get(i < 0 ? root : out[i]!) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
    }
  }
  return out;
}

/** The pids no plan may ever signal, each with why: the kernel's first pids, orch-top and every
 *  ancestor. The executor's guard is this map, read live right before it signals. */
export function neverSignal(self: { pid: number; ancestors: number[] }): Map<number, string> {
  return new Map<number, string>([
    ...self.ancestors.map((pid) => [pid, 'an ancestor of orch-top'] as [number, string]),
    [0, 'the kernel'],
    [1, 'init'],
    [2, 'the kernel thread daemon'],
    [self.pid, 'orch-top itself'],
  ]);
}

/** Never a target of the model either: what neverSignal protects, and the tmux server (which the
 *  executor only ever nudges with SIGCHLD). */
export function neverTouch(raw: Pick<RawWorld, 'self' | 'tmux'>): Set<number> {
  const out = new Set<number>(neverSignal(raw.self).keys());
  for (const t of raw.tmux) if (t.serverPid) out.add(t.serverPid);
  return out;
}

/**
 * orch-top's own pid and its ancestors up to init: never matched, never targeted. `ppidOf` is a
 * process table's lookup, or a live /proc read (the executor's, right before it signals).
 */
export function selfAndAncestors(
  ppidOf: (pid: number) => number | undefined,
  self: { pid: number; ppid: number } = { pid: process.pid, ppid: process.ppid },
): { pid: number; ancestors: number[] } {
  const ancestors: number[] = [];
  const seen = new Set<number>();
  for (let ppid: number | undefined = ppidOf(self.pid) ?? self.ppid; ppid !== undefined && ppid > 0 && !seen.has(ppid); ppid = ppidOf(ppid)) {
    seen.add(ppid);
    ancestors.push(ppid);
  }
  return { pid: self.pid, ancestors };
}

export function commandOf(p: ProcInfo): string {
  return p.cmdline.length ? p.cmdline.join(' ') : `[${p.comm}]`;
}

/** A live leader of that session id: the pane process itself, or a new process that reused the pid. */
export function isSessionLeaderAlive(procs: Map<number, ProcInfo>, sid: number): boolean {
  const leader = procs.get(sid);
  return !!leader && leader.sid === sid && leader.state !== 'Z';
}
