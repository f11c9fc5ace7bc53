// The running orchestrators: which candidates count (alive, not ours), their process trees, which
// workspace each serves and so which one owns an agent, and their own figures. One per project may
// run; one whose workspace is unknown is taken to own every workspace (when unsure, nothing is an
// orphan). Pure.

import { commandOf, descendantsOf, type ProcessIndex } from './process-index.js';
import type { OrchestratorPlacement, OrchestratorProbe, OrchestratorView, ProcInfo, RawWorld, WorkspaceState } from './types.js';

export interface Orchestrators {
  /** Oldest first: the first is "the" orchestrator when one must be named. */
  procs: ProcInfo[];
  /** Every pid of every orchestrator's tree. */
  tree: Set<number>;
  /** Each root's own tree, root included. */
  treeOf: Map<number, Set<number>>;
}

export function findOrchestrators(probe: OrchestratorProbe, index: ProcessIndex, untouchable: ReadonlySet<number>): Orchestrators {
  const procs = (probe.roots ?? probe.pids)
    .map((pid) => index.procs.get(pid))
    .filter((p): p is ProcInfo => !!p && p.state !== 'Z' && p.state !== 'X' && !untouchable.has(p.pid))
    .sort((a, b) => a.startTime - b.startTime || a.pid - b.pid);
  const tree = new Set<number>();
  const treeOf = new Map<number, Set<number>>();
  for (const o of procs) {
    const t = new Set<number>([o.pid, ...descendantsOf(index.children, o.pid)]);
    treeOf.set(o.pid, t);
    for (const pid of t) tree.add(pid);
  }
  return { procs, tree, treeOf };
}

function placementOf(probe: OrchestratorProbe, pid: number): OrchestratorPlacement {
  return probe.placements?.get(pid) ?? { workspace: null, realWorkspace: null, by: null };
}

/** Whether an orchestrator placed at `pl` serves the watched workspace `w` (by real path). */
export function serves(pl: OrchestratorPlacement, w: WorkspaceState): boolean {
  return pl.realWorkspace === (w.realPath ?? w.path) || pl.workspace === w.path;
}

/** The running orchestrator that owns a workspace's agents, or null. */
export function ownerOf(orchs: Orchestrators, probe: OrchestratorProbe, w: WorkspaceState): ProcInfo | null {
  for (const o of orchs.procs) {
    const pl = placementOf(probe, o.pid);
    if (pl.realWorkspace === null || serves(pl, w)) return o;
  }
  return null;
}

export function orchestratorViews(
  orchs: Orchestrators,
  raw: Pick<RawWorld, 'fds' | 'orchestrator' | 'workspaces'>,
  cpuOf: (p: ProcInfo) => number,
): OrchestratorView[] {
  return orchs.procs.map((o) => {
    const f = raw.fds.get(o.pid);
    const own = f && f.startTime === o.startTime ? f : null;
    const pl = placementOf(raw.orchestrator, o.pid);
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
      fds: own ? own.count : null,
      fdKinds: own ? own.kinds : null,
      children: [...orchs.treeOf.get(o.pid)!].filter((pid) => pid !== o.pid).sort((a, b) => a - b),
      workspace: pl.workspace,
      placedBy: pl.by,
      project: served?.project ?? null,
    };
  });
}
