// The running orchestrators: which candidates count (alive, not ours), their process trees, which
// workspace each serves and so which one owns an agent, and their own figures. One per project may
// run; one whose workspace is unknown is taken to own every workspace (when unsure, nothing is an
// orphan). Pure.

import { commandOf, descendantsOf, type ProcessIndex } from './process-index.js';
import type { OrchestratorPlacement, OrchestratorProbe, OrchestratorView, ProcInfo, RawWorld, WorkspaceState } from './types.js';

/** A compiled --orchestrator-match (config.ts compiles it with a linear-time engine). */
export interface CommandMatcher {
  source: string;
  test(s: string): boolean;
}

/** Programs that run a script named by an argument: the script, not the program, is the orchestrator. */
const INTERPRETER = /^(python(\d+(\.\d+)?)?|pypy3?|uv|uvx|node|nodejs|bun|deno|ruby|perl|sh|bash)$/;
/** Interpreter options that take a value (`python3 -X dev script.py`, `node --require x script.js`). */
const WITH_VALUE = new Set(['-X', '-W', '-r', '--require', '--import', '--loader', '--with', '--python', '-p', '--project', '--from']);
/** Subcommands before the script (`uv run script.py`, `uv tool run`, `deno run`). */
const SUBCOMMAND = new Set(['run', 'tool', 'exec']);

const baseName = (s: string) => s.slice(s.lastIndexOf('/') + 1);

/** The script argument of an interpreter's argv (`-m module` names a module), or null. */
export function scriptArgument(argv: readonly string[]): string | null {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c' || a === '-e' || a === '--eval') return null; // code on the command line: no script
    if (a === '-m') return argv[i + 1] ?? null;
    if (WITH_VALUE.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else if (!SUBCOMMAND.has(a)) return a;
  }
  return null;
}

/**
 * Whether an argv is the orchestrator, by the program and its script argument only, never anywhere in
 * the line (an editor or `grep real_mcp_server.py` is not the orchestrator): 'script' when an
 * interpreter runs a script whose basename matches, 'program' when argv[0]'s basename itself matches.
 */
export function matchOrchestrator(argv: readonly string[], m: CommandMatcher): 'script' | 'program' | null {
  const prog = argv[0];
  if (!prog) return null;
  const name = baseName(prog);
  if (INTERPRETER.test(name)) {
    const script = scriptArgument(argv);
    return script !== null && m.test(baseName(script)) ? 'script' : null;
  }
  return m.test(name) ? 'program' : null;
}

export interface Orchestrators {
  /** Oldest first: the first is "the" orchestrator when one must be named. */
  procs: ProcInfo[];
  /** Every pid of every orchestrator's tree. */
  tree: Set<number>;
  /** Each root's own tree, root included. */
  treeOf: Map<number, Set<number>>;
  /** The orchestrators that are orch-top's own ancestors. */
  ancestors: Set<number>;
}

/**
 * The running orchestrators. orch-top's ancestors are never signalled, but one that is the orchestrator
 * is still the orchestrator (`orch-top --reap` run by it must not find its agents orphaned), so they
 * stay candidates, flagged in `ancestors`; orch-top itself and the rest of the never-touch set do not.
 */
export function findOrchestrators(
  probe: OrchestratorProbe,
  index: ProcessIndex,
  untouchable: ReadonlySet<number>,
  self: { pid: number; ancestors: readonly number[] } = { pid: -1, ancestors: [] },
): Orchestrators {
  const ancestors = new Set(self.ancestors.filter((pid) => pid > 1));
  const procs = (probe.roots ?? probe.pids)
    .map((pid) => index.procs.get(pid))
    .filter((p): p is ProcInfo => !!p && p.state !== 'Z' && p.state !== 'X' && p.pid !== self.pid && (ancestors.has(p.pid) || !untouchable.has(p.pid)))
    .sort((a, b) => a.startTime - b.startTime || a.pid - b.pid);
  const tree = new Set<number>();
  const treeOf = new Map<number, Set<number>>();
  for (const o of procs) {
    // orch-top and its ancestors below the orchestrator (when it runs inside it) are never in its tree.
    const t = new Set<number>([o.pid, ...descendantsOf(index.children, o.pid).filter((pid) => !untouchable.has(pid) && pid !== self.pid)]);
    treeOf.set(o.pid, t);
    for (const pid of t) tree.add(pid);
  }
  return { procs, tree, treeOf, ancestors: new Set(procs.filter((p) => ancestors.has(p.pid)).map((p) => p.pid)) };
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
      ancestor: orchs.ancestors.has(o.pid),
      matchedBy: raw.orchestrator.matchedBy?.get(o.pid) ?? null,
    };
  });
}
