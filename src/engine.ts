// One tick: ask every collector, in the right order, hand the result to the model once, and keep the
// history for the next tick. The engine holds the collectors' caches (the ProcReader) and decides
// nothing itself: what to watch comes from the model (`classify`, asking for the environments and
// descriptor counts it needs), what is true comes from the collectors.

import { join, resolve } from 'node:path';
import { ProcReader } from './collectors/procfs.js';
import { isDir, realpathOr } from './files.js';
import { readPidfile } from './collectors/pidfile.js';
import { collectProcTable } from './collectors/ps-fallback.js';
import { SOURCES } from './collectors/sources/index.js';
import { ClaudeLogReader } from './collectors/claude-logs.js';
import { listServers } from './collectors/tmux-servers.js';
import { findPlaces, readWorkspace } from './collectors/workspaces.js';
import { compileMatch, type Config } from './config.js';
import { advanceHistory, classify, DEFAULT_CLASSIFY, emptyHistory, type ClassifyConfig, type History } from './model/classify.js';
import { type CommandMatcher, matchOrchestrator } from './model/orchestrators.js';
import { selfAndAncestors } from './model/process-index.js';
import { expectedSocketPath } from './model/sockets.js';
import type { EnvTrace, FdCount, OrchestratorPlacement, OrchestratorProbe, ProcTable, RawWorld, Snapshot, WorkspaceHow } from './model/types.js';

export interface EngineOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Workspaces to watch in addition to discovery (the demo's). */
  extraWorkspaces?: { path: string; how: WorkspaceHow }[];
  tmuxTimeoutMs?: number;
  /** What earlier runs saw (the pane memory), to start the history from. */
  history?: History;
  /** How often the whole /proc table is read (default FULL_SCAN_MS; the bench measures both kinds of tick). */
  fullScanMs?: number;
}

export function classifyConfigOf(cfg: Config, env: NodeJS.ProcessEnv = process.env): ClassifyConfig {
  return {
    ...DEFAULT_CLASSIFY,
    // --source without the orchestrator: its --prefix claims nothing.
    prefixes: cfg.sources.length && !cfg.sources.includes('orchestrator') ? [] : cfg.prefixes,
    sourceGraceMs: cfg.sourceGraceMs,
    socketPath: expectedSocketPath(cfg.server, env, process.getuid?.() ?? 0),
    historySize: cfg.historySize,
    limits: cfg.limits,
  };
}

export class Engine {
  readonly reader = new ProcReader();
  private readonly claudeLogs = new ClaudeLogReader();
  private readonly env: NodeJS.ProcessEnv;
  /** --orchestrator-match, compiled once (config.ts checked it). */
  private readonly match: CommandMatcher;
  private readonly cwd: string;
  private history: History;
  /** What the last tick's snapshot showed: re-read every tick between whole scans. */
  private watch: Set<number> | undefined;
  private lastFullScan: number | null = null;

  constructor(
    readonly config: Config,
    private readonly opts: EngineOptions = {},
  ) {
    this.env = opts.env ?? process.env;
    this.match = compileMatch(config.orchestratorMatch.source);
    this.cwd = opts.cwd ?? process.cwd();
    this.history = opts.history ?? emptyHistory();
  }

  readonly classifyConfig = (): ClassifyConfig => classifyConfigOf(this.config, this.env);

  private probeOrchestrator(procs: ProcTable, self: { pid: number; ancestors: number[] }): OrchestratorProbe {
    const c = this.config;
    if (c.orchestratorPid !== null) {
      const ok = procs.procs.has(c.orchestratorPid);
      return {
        pids: ok ? [c.orchestratorPid] : [],
        roots: ok ? [c.orchestratorPid] : [],
        how: 'pid',
        error: ok ? null : `orchestrator pid ${c.orchestratorPid}: no such process`,
      };
    }
    if (c.pidfile !== null) {
      const read = readPidfile(c.pidfile);
      if ('error' in read) return { pids: [], how: 'pidfile', error: read.error };
      const pid = read.pid;
      const ok = procs.procs.has(pid);
      return { pids: ok ? [pid] : [], roots: ok ? [pid] : [], how: 'pidfile', error: ok ? null : `pid file ${c.pidfile}: pid ${pid} is not running` };
    }
    // orch-top's ancestors stay candidates: an ancestor that is the orchestrator is still the
    // orchestrator (it is never signalled, and its agents stay owned). Only the invoking user's
    // processes count, matched by program and script argument (model/orchestrators.ts).
    const uid = process.getuid?.() ?? null;
    const pids: number[] = [];
    const matchedBy = new Map<number, 'script' | 'program'>();
    for (const p of procs.procs.values()) {
      if (p.pid === self.pid || p.state === 'Z' || !p.cmdline.length || (uid !== null && p.uid !== uid)) continue;
      const how = matchOrchestrator(p.cmdline, this.match);
      if (!how) continue;
      pids.push(p.pid);
      matchedBy.set(p.pid, how);
    }
    // A server's own forks match too; only unrelated matches make the pattern ambiguous.
    const matched = new Set(pids);
    const roots = pids.filter((pid) => {
      for (let pp = procs.procs.get(pid)?.ppid ?? 0, n = 0; pp > 1 && n < 64; pp = procs.procs.get(pp)?.ppid ?? 0, n++) if (matched.has(pp)) return false;
      return true;
    });
    // Several roots are several orchestrators (one per project may run); which workspace each serves
    // is read below and judged by the model.
    return { pids, roots, matchedBy, how: 'match', error: null };
  }

  /**
   * Where an orchestrator serves: its $CLAUDE_ORCHESTRATOR_WORKSPACE (relative to its cwd), else the
   * .agent-workspace in its working directory when that exists. Unknown (unreadable, or no workspace
   * there) is null: the model then lets it own every workspace, the safe side for a tool that kills.
   */
  private placeOrchestrator(pid: number, startTime: number, comm: string): OrchestratorPlacement {
    const env = this.reader.readEnvTrace(pid, startTime, comm);
    const cwd = this.reader.readCwd(pid);
    if (env?.workspace) {
      const ws = resolve(cwd ?? '/', env.workspace);
      return { workspace: ws, realWorkspace: realpathOr(ws), by: 'env' };
    }
    if (cwd && isDir(join(cwd, '.agent-workspace'))) {
      const ws = join(cwd, '.agent-workspace');
      return { workspace: ws, realWorkspace: realpathOr(ws), by: 'cwd' };
    }
    return { workspace: null, realWorkspace: null, by: null };
  }

  /**
   * One whole tick: read the world, classify it once, advance the history. The console runs this in
   * its worker thread (only the Snapshot crosses to the screen); one-shot modes run it in-process.
   */
  async tick(): Promise<Snapshot> {
    const now = Date.now();
    const full = this.lastFullScan === null || now - this.lastFullScan >= (this.opts.fullScanMs ?? FULL_SCAN_MS);
    const raw = await this.collect(full ? undefined : this.watch);
    if (full) this.lastFullScan = now;
    const cfg = this.classifyConfig();
    const snapshot = classify(raw, cfg, this.history);
    this.history = advanceHistory(this.history, raw, snapshot, cfg);
    this.watch = watchedPids(snapshot, raw);
    return snapshot;
  }

  /** What ticks have seen so far (the pane memory a console saves on quit). */
  get seen(): History {
    return this.history;
  }

  /**
   * Reads the world once. The environments and descriptor counts
   * in the RawWorld are read when the model first asks for a process's (LazyEnv, LazyFds): only what
   * it watches gets its descriptors counted, and only a process outside every live tree (where a leak
   * can be) gets its environment read. Classify it before the next collect. With `watch`, the /proc
   * table is read partly (ProcReader.readTable): new pids, these, and today's panes.
   */
  async collect(watch?: ReadonlySet<number>): Promise<RawWorld> {
    const errors: string[] = [];
    // Every agent-state source says where its state is; each place is read by the sources that found it.
    const want = this.config.sources;
    const sources = want.length ? SOURCES.filter((s) => want.includes(s.manager)) : SOURCES;
    const found = findPlaces({ flags: this.config.workspaces, env: this.env, cwd: this.cwd }, this.opts.extraWorkspaces, sources);
    errors.push(...found.errors);
    const [look, workspaces] = await Promise.all([
      listServers(this.config.server, { timeoutMs: this.opts.tmuxTimeoutMs, env: this.env }),
      Promise.all(found.places.map((p) => readWorkspace(p.ref, p.sources))),
    ]);
    const tmux = look.servers;
    const claudeLogs = this.claudeLogs.read(workspaces);
    // Read /proc after tmux answered, so every pane pid tmux named is already in the table.
    const scope = watch ? { watch: withPanes(watch, tmux) } : undefined;
    const procs = await collectProcTable(this.reader, scope);
    const takenAt = procs.takenAt;
    const self = selfAndAncestors((pid) => procs.procs.get(pid)?.ppid);
    const orchestrator = this.probeOrchestrator(procs, self);
    if (procs.source === 'procfs') {
      orchestrator.placements = new Map();
      for (const pid of orchestrator.roots ?? []) {
        const p = procs.procs.get(pid);
        if (p) orchestrator.placements.set(pid, this.placeOrchestrator(pid, p.startTime, p.comm));
      }
    }
    const procfs = procs.source === 'procfs';
    const env = procfs ? new LazyEnv(this.reader, procs) : new Map<number, EnvTrace>();
    const fds = procfs ? new LazyFds(this.reader, procs, !!watch) : new Map<number, FdCount>();
    const raw: RawWorld = { takenAt, tmux, socketDir: look.socketDir, procs, env, fds, workspaces, claudeLogs, orchestrator, self, errors };
    for (const t of tmux) if (t.error) errors.push(look.socketDir ? `tmux ${t.label}: ${t.error}` : t.error);
    if (orchestrator.error) errors.push(orchestrator.error);
    for (const w of workspaces) if (w.error) errors.push(w.error);
    return raw;
  }
}

/**
 * How long a change in a process nobody watches can go unseen: every this often the whole /proc
 * table is read again (an out-of-scope zombie, a re-parented process, a pid reused by an unwatched
 * process, the descriptor kinds of a process whose count stayed the same). So such a change shows
 * within FULL_SCAN_MS plus one interval; at intervals of FULL_SCAN_MS or more every tick reads it all.
 */
export const FULL_SCAN_MS = 5_000;

/** The pids whose stat every tick re-reads: what the snapshot shows, and the parents of its zombies. */
export function watchedPids(snap: Snapshot, raw: RawWorld): Set<number> {
  const w = new Set<number>([raw.self.pid, ...raw.self.ancestors]);
  for (const p of snap.processes) w.add(p.pid);
  for (const z of snap.zombies) w.add(z.pid).add(z.ppid);
  for (const o of snap.orchestrators) w.add(o.pid);
  // A manager's owner (its TUI or daemon) is looked for in the table every tick.
  for (const s of snap.sessions) if (s.ownedBy !== null) w.add(s.ownedBy);
  for (const l of snap.leaked) w.add(l.pid);
  for (const l of snap.strays) w.add(l.pid);
  for (const t of raw.tmux) if (t.running && t.serverPid) w.add(t.serverPid);
  return w;
}

function withPanes(watch: ReadonlySet<number>, tmux: RawWorld['tmux']): Set<number> {
  const w = new Set(watch);
  for (const t of tmux) for (const p of t.panes) w.add(p.panePid);
  return w;
}

/**
 * Environment traces read on first ask, cached per (pid, start time) by the reader. Kernel threads and
 * zombies have none. A Map for the model's type (it only ever calls get); iterating it shows what
 * was asked so far.
 */
class LazyEnv extends Map<number, EnvTrace> {
  constructor(
    private readonly reader: ProcReader,
    private readonly procs: ProcTable,
  ) {
    super();
  }
  override get(pid: number): EnvTrace | undefined {
    if (super.has(pid)) return super.get(pid);
    const p = this.procs.procs.get(pid);
    if (!p || p.ppid === 2 || p.pid === 2 || p.state === 'Z') return undefined;
    const e = this.reader.readEnvTrace(p.pid, p.startTime, p.comm);
    if (e) super.set(pid, e);
    return e ?? undefined;
  }
}

/** Descriptor counts read on first ask (once per tick): the model asks only for what it watches. */
class LazyFds extends Map<number, FdCount> {
  private readonly asked = new Set<number>();
  constructor(
    private readonly reader: ProcReader,
    private readonly procs: ProcTable,
    private readonly reuseKinds: boolean,
  ) {
    super();
  }
  override get(pid: number): FdCount | undefined {
    if (this.asked.has(pid)) return super.get(pid);
    this.asked.add(pid);
    const p = this.procs.procs.get(pid);
    if (!p || p.state === 'Z') return undefined;
    const f = this.reader.countFds(p.pid, p.startTime, true, this.reuseKinds);
    super.set(pid, f);
    return f;
  }
}
