// One tick: ask every collector, in the right order, and hand the result to the model. The engine
// holds the collectors' caches (the ProcReader) and decides nothing itself: what to watch comes from
// the model (`classify`), what is true comes from the collectors.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProcReader } from './collectors/procfs.js';
import { fsReason, isDir, realpathOr } from './files.js';
import { collectProcTable } from './collectors/ps-fallback.js';
import { listPanes } from './collectors/tmux.js';
import { findPlaces, readWorkspace } from './collectors/workspaces.js';
import { compileMatch, type Config } from './config.js';
import { classify, DEFAULT_CLASSIFY, emptyHistory, type ClassifyConfig, type History } from './model/classify.js';
import { type CommandMatcher, matchOrchestrator } from './model/orchestrators.js';
import { selfAndAncestors } from './model/process-index.js';
import { expectedSocketPath } from './model/sockets.js';
import type { FdCount, OrchestratorPlacement, OrchestratorProbe, ProcTable, RawWorld, WorkspaceHow } from './model/types.js';

export interface EngineOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Workspaces to watch in addition to discovery (the demo's). */
  extraWorkspaces?: { path: string; how: WorkspaceHow }[];
  tmuxTimeoutMs?: number;
}

export function classifyConfigOf(cfg: Config, env: NodeJS.ProcessEnv = process.env): ClassifyConfig {
  return {
    ...DEFAULT_CLASSIFY,
    prefixes: cfg.prefixes,
    socketPath: expectedSocketPath(cfg.server, env, process.getuid?.() ?? 0),
    historySize: cfg.historySize,
  };
}

export class Engine {
  readonly reader = new ProcReader();
  private readonly env: NodeJS.ProcessEnv;
  /** --orchestrator-match, compiled once (config.ts checked it). */
  private readonly match: CommandMatcher;
  private readonly cwd: string;

  constructor(
    readonly config: Config,
    private readonly opts: EngineOptions = {},
  ) {
    this.env = opts.env ?? process.env;
    this.match = compileMatch(config.orchestratorMatch.source);
    this.cwd = opts.cwd ?? process.cwd();
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
      let text: string;
      try {
        text = readFileSync(c.pidfile, 'utf8');
      } catch (e) {
        return { pids: [], how: 'pidfile', error: `pid file ${c.pidfile}: ${fsReason(e)}` };
      }
      const pid = Number(text.trim().split(/\s+/)[0]);
      if (!Number.isInteger(pid) || pid < 1) return { pids: [], how: 'pidfile', error: `pid file ${c.pidfile}: no pid in it` };
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
   * Reads the world once. `history` is the store's (what earlier ticks saw): it decides which
   * processes are watched, e.g. a leftover traced to an agent pane seen on an earlier tick.
   */
  async collect(history: History = emptyHistory()): Promise<RawWorld> {
    const errors: string[] = [];
    // Every agent-state source says where its state is; each place is read by the sources that found it.
    const found = findPlaces({ flags: this.config.workspaces, env: this.env, cwd: this.cwd }, this.opts.extraWorkspaces);
    errors.push(...found.errors);
    const [tmux, workspaces] = await Promise.all([
      listPanes(this.config.server, { timeoutMs: this.opts.tmuxTimeoutMs }),
      Promise.all(found.places.map((p) => readWorkspace(p.ref, p.sources))),
    ]);
    // Read /proc after tmux answered, so every pane pid tmux named is already in the table.
    const procs = await collectProcTable(this.reader);
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

    // Environment traces ($TMUX, $TMUX_PANE) of every user process: cached per (pid, start time) by the
    // reader, so only processes new since the last tick cost a read.
    const env = new Map<number, NonNullable<ReturnType<ProcReader['readEnvTrace']>>>();
    if (procs.source === 'procfs')
      for (const p of procs.procs.values()) {
        if (p.ppid === 2 || p.pid === 2 || p.state === 'Z') continue;
        const e = this.reader.readEnvTrace(p.pid, p.startTime, p.comm);
        if (e) env.set(p.pid, e);
      }

    const raw: RawWorld = { takenAt, tmux, procs, env, fds: new Map(), workspaces, orchestrator, self, errors };
    if (tmux.error) errors.push(tmux.error);
    if (orchestrator.error) errors.push(orchestrator.error);
    for (const w of workspaces) if (w.error) errors.push(w.error);

    // Which processes are watched is the model's decision: classify once without descriptors, then
    // count descriptors of exactly what it watches. (Classifying twice costs ~1 ms; deciding scope
    // here instead would put policy in the engine.)
    if (procs.source === 'procfs') {
      const pre = classify(raw, this.classifyConfig(), history);
      const fds = new Map<number, FdCount>();
      for (const v of pre.processes) if (v.state !== 'Z') fds.set(v.pid, this.reader.countFds(v.pid, v.startTime, true));
      raw.fds = fds;
    }
    return raw;
  }
}
