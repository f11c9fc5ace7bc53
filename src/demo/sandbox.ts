// Owns `orch-top --demo`'s sandbox: a simulated orchestrator with misbehaving agents on a private tmux
// server, built so that every kind of finding exists at once, and torn down so that nothing of it
// is left. The test suite uses the same sandbox. Its processes run dist/demo/agent.js and
// dist/demo/orchestrator.js (build first).
//
// What it makes: two workspaces, one per format the reference orchestrator has written, each with
// one task; agent ids `<type>-<HHMMSS>-<6 hex>`, sessions `agent_<id>` as the orchestrator names them,
// all sessions on the one private tmux server.
//
// `workspace`: the JSON registry of older orchestrators (registry/GLOBAL_REGISTRY.json and
// TASK-*/AGENT_REGISTRY.json):
//   lingering-finished  registry `completed`, session alive, idle node process        -> orphan (terminal status)
//   hup-ignorer         registry `terminated`, pane `sh` with `trap '' HUP` and two node children that
//                       survive SIGHUP                                                  -> orphan (terminal status)
//   zombie-parent       registry `running`, pane perl that keeps 3 zombie children      -> zombies
//   fd-leaker           registry `working`, node opening /dev/null every 250 ms          -> descriptor growth
//   healthy             registry `running`, idle node process                           -> nothing
//   ghost               registry `running`, no session                                  -> ghost agent
//   crashed-leaker      registry `error`, session killed after a SIGHUP-proof node started in its
//                       background: that node lives on with TMUX/TMUX_PANE of a gone pane -> leaked process
//   claude-agent-stray  prefixed session unknown to the registry                        -> orphan (unknown)
//   scratch             a personal session                                              -> never touched
//
// `sqliteWorkspace`: today's format, registry/state.sqlite3 with the orchestrator's exact schema, WAL
// journal (src/demo/sqlite-state.ts), in a project of its own (<tmp>/checkout-service/.agent-workspace):
//   healthy             `reviewing`, idle node process, but this project's orchestrator has
//                       crashed (none serves this workspace)                          -> orphan (orchestrator not running)
//   lingering-finished  `phase_completed`, session alive, idle node process             -> orphan (terminal status)
//   ghost               `blocked`, no session                                           -> ghost agent
// (`registry: 'sqlite'` in `agents`; same agent processes as above.)
//
// plus a fake orchestrator process (detached, CLAUDE_ORCHESTRATOR_WORKSPACE=<workspace>): the JSON
// project's server. orch-top matches it to that workspace only, so its being alive never makes the
// SQLite project's sessions look owned (one orchestrator per project).
//
// tmux options: none are set; tmux defaults are fine (exit-empty on is harmless because `scratch`
// lives until stop(); remain-on-exit off lets a pane whose process ends disappear, as for real agents).
// Needs tmux >= 3.0 (new-session with a command given as separate arguments, run without a shell).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { constants as osConstants, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../actions/signal.js';
import { runTmux } from '../collectors/tmux-exec.js';
import { ProcReader } from '../collectors/procfs.js';
import { writeFileAtomic } from '../files.js';
import { ACTIVE_STATUSES } from '../model/classify.js';
import type { ProcInfo, TmuxServer } from '../model/types.js';
import { sleep } from '../sleep.js';
import { childGone, teardown, teardownSync, type TeardownState } from './teardown.js';
import { writeStateDb } from './sqlite-state.js';

export type DemoBehaviour = 'lingering-finished' | 'hup-ignorer' | 'zombie-parent' | 'fd-leaker' | 'healthy' | 'ghost' | 'crashed-leaker';

export interface DemoAgent {
  agentId: string;
  /** The session the registry gives the agent (`agent_<id>`). It does not exist for `ghost` and
   *  `crashed-leaker`: see `sessionId`. */
  session: string | null;
  behaviour: DemoBehaviour;
  registryStatus: string;
  /** The live session's id ("$3"), or null when there is no such session. */
  sessionId: string | null;
  /** The agent's main process: the pane process, or for `crashed-leaker` the leaked survivor; null for `ghost`. */
  pid: number | null;
  /** Which registry lists the agent: the JSON one of `workspace`, or the SQLite state of `sqliteWorkspace`. */
  registry: 'json' | 'sqlite';
  /** The workspace whose registry lists it. */
  workspace: string;
}

export interface DemoSandbox {
  /** Private tmux socket: `tmux -L <socketName>`. */
  socketName: string;
  server: TmuxServer;
  /** Temp dir holding registry/GLOBAL_REGISTRY.json and TASK-*\/AGENT_REGISTRY.json in the real format,
   *  and the orchestrator's log, orchestrator.log. Removed by stop(). */
  workspace: string;
  taskId: string;
  /** Workspace base in today's format, registry/state.sqlite3 (WAL), inside a temp dir of its own
   *  (<tmp>/checkout-service/.agent-workspace, the project being <tmp>/checkout-service). Removed by stop(). */
  sqliteWorkspace: string;
  /** The task of sqliteWorkspace. */
  sqliteTaskId: string;
  /** Both workspaces, `workspace` first. */
  workspaces: string[];
  /** Where orch-top keeps its state while it watches the demo — its XDG_STATE_HOME, so the audit log,
   *  the pane memory and the shutdown record are the sandbox's, never the user's real ones (an explicit
   *  --audit-log still wins for the audit log). Removed by stop(). */
  stateHome: string;
  orchestratorPid: number;
  /** The prefix orch-top should be given for this sandbox (orch-top's default). */
  prefix: string;
  /** Every agent of both workspaces, the JSON workspace's first. */
  agents: DemoAgent[];
  /** Sentences about what the demo could not do on this machine, e.g. "perl not found: no zombie agent". */
  notes: string[];
  /**
   * Crashes the crashed agent now: its session is killed and its SIGHUP-proof survivor leaks. orch-top
   * calls it after its first look, so it sees the pane alive first and then watches the survivor leak —
   * the evidence a real leak leaves (TMUX_PANE naming a pane seen in an agent session). Idempotent;
   * never rejects; a no-op once the sandbox is stopping.
   */
  crash(): Promise<void>;
  /** Idempotent; leaves nothing behind. */
  stop(): Promise<void>;
}

export interface DemoOptions {
  log?: (line: string) => void;
  /** The perl to run the zombie maker with (default `perl`); a missing one skips the zombie agent. */
  perl?: string;
}

const DEMO_PREFIX = 'claude-agent-';
const STRAY_SESSION = 'claude-agent-stray';
const SCRATCH_SESSION = 'scratch';
const ZOMBIES_PER_MAKER = 3;

const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 20;

// A one-line perl (so `ps` shows it on one line; no final ';', which tmux would take for a command
// separator): fork N children that exit at once, never wait for them until SIGTERM, then reap them
// all and exit. It reaps them itself so that the teardown never depends on when init reaps orphans.
const ZOMBIE_MAKER_PERL =
  'use POSIX (); $| = 1; my $n = $ARGV[0] || 3; ' +
  '$SIG{TERM} = sub { 1 while waitpid(-1, 0) > 0; POSIX::_exit(0) }; $SIG{HUP} = "IGNORE"; ' +
  'for (1..$n) { my $p = fork(); POSIX::_exit(0) if defined $p && $p == 0; } ' +
  'print "zombie-parent: $n children exited, none reaped\\n"; sleep 1 while 1';

interface Spec {
  behaviour: DemoBehaviour;
  type: string;
  status: string;
  progress: number;
  prompt: string;
}

// Spawn order; one agent of each behaviour.
const SPECS: Spec[] = [
  {
    behaviour: 'lingering-finished',
    type: 'code_auditor',
    status: 'completed',
    progress: 100,
    prompt:
      'You are auditing the session cleanup code.\n\nYOUR MISSION:\n1. Find every place a tmux session is created\n2. Check that each one is killed on every exit path\n3. Report what leaks',
  },
  {
    behaviour: 'hup-ignorer',
    type: 'test_runner',
    status: 'terminated',
    progress: 40,
    prompt:
      'You are running the integration test suite.\n\nYOUR MISSION:\n1. Start the test servers in the background\n2. Run every suite and collect the failures\n3. Report flaky tests',
  },
  {
    behaviour: 'zombie-parent',
    type: 'dependency_installer',
    status: 'running',
    progress: 35,
    prompt:
      'You are installing and pinning the project dependencies.\n\nYOUR MISSION:\n1. Resolve the dependency tree\n2. Build native modules\n3. Record exact versions',
  },
  {
    behaviour: 'fd-leaker',
    type: 'log_streamer',
    status: 'working',
    progress: 60,
    prompt:
      'You are streaming every agent log into the JSONL archive.\n\nYOUR MISSION:\n1. Follow each agent stream file\n2. Append new lines to the archive\n3. Never drop a line',
  },
  {
    behaviour: 'healthy',
    type: 'architecture_analyzer',
    status: 'running',
    progress: 50,
    prompt:
      'You are analysing the architecture of the orchestrator.\n\nYOUR MISSION:\n1. Map the modules and their dependencies\n2. Find cycles\n3. Propose a layering',
  },
  {
    behaviour: 'ghost',
    type: 'api_designer',
    status: 'running',
    progress: 20,
    prompt: 'You are designing the agent status API.\n\nYOUR MISSION:\n1. List what clients ask for\n2. Design the endpoints\n3. Document error cases',
  },
  {
    behaviour: 'crashed-leaker',
    type: 'resource_investigator',
    status: 'error',
    progress: 10,
    prompt:
      'You are investigating resource usage of long-running agents.\n\nYOUR MISSION:\n1. Start a background sampler\n2. Record memory and descriptors per agent\n3. Report the worst offenders',
  },
];

// The SQLite workspace's task (today's format): one agent per SQLite-only status worth showing.
const SQLITE_PROJECT = 'checkout-service';
/** The JSON project's name: an older orchestrator's workspace, <tmp>/payments-api/.agent-workspace. */
const JSON_PROJECT = 'payments-api';
const SQLITE_DESCRIPTION = 'Harden the checkout service against double charges';
const SQLITE_SPECS: Spec[] = [
  {
    behaviour: 'lingering-finished',
    type: 'investigator',
    status: 'phase_completed',
    progress: 100,
    prompt:
      'You are a investigator agent.\n\nYOUR MISSION:\n1. Trace every path that charges a card\n2. Find where a retry can charge twice\n3. Hand the findings to the next phase',
  },
  {
    behaviour: 'healthy',
    type: 'reviewer',
    status: 'reviewing',
    progress: 70,
    prompt:
      'You are a reviewer agent.\n\nYOUR MISSION:\n1. Review the investigation findings\n2. Check each claim against the code\n3. Approve or reject the phase',
  },
  {
    behaviour: 'ghost',
    type: 'builder',
    status: 'blocked',
    progress: 30,
    prompt:
      'You are a builder agent.\n\nYOUR MISSION:\n1. Add idempotency keys to the charge endpoint\n2. Wait for the review verdict before merging\n3. Report what changed',
  },
];

// ---------------------------------------------------------------------------------------------------
// /proc, through the project's reader. A process the demo will signal is named by (pid, start time).

const proc = new ProcReader();

/** (pid, start time): the only safe way to name a process that will be signalled later. A stat read
 *  (`proc.readStat`) or a table row serves as one. */
type Tracked = Pick<ProcInfo, 'pid' | 'startTime'>;

/** Running (not a zombie) and still the same process. */
const isLive = (k: Tracked): boolean => isAlive(proc, k);

/** SIGHUP is ignored (SigIgn) or handled (SigCgt). */
const hupProof = (pid: number): boolean => proc.hupProof(pid);

const devNullFds = (pid: number): number => proc.fdTargets(pid).filter((t) => t === '/dev/null').length;

// ---------------------------------------------------------------------------------------------------
// Small helpers

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Local time the way Python's datetime.now().isoformat() writes it (the registry's format). */
function pyIso(ms: number): string {
  const d = new Date(ms);
  const micro = `${pad(d.getMilliseconds(), 3)}${pad(Math.floor(Math.random() * 1000), 3)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${micro}`;
}
const hhmmss = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
};
const yyyymmdd = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
};

/** The orchestrator rewrites its registry while others read it: never let a reader see half a file.
 *  Python's json.dump(indent=2) writes no final newline. */
const writeJsonAtomic = (path: string, data: unknown) => writeFileAtomic(path, JSON.stringify(data, null, 2), 0o644);

/** dist/demo/<name>.js next to this module; from src/ (vitest, tsx) the built copy in dist/. */
function builtScript(name: string): string {
  const candidates = [new URL(`./${name}.js`, import.meta.url), new URL(`../../dist/demo/${name}.js`, import.meta.url)];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error(`demo: ${name}.js not found next to ${fileURLToPath(import.meta.url)} nor in dist/demo/ (run \`npm run build\`)`);
}

function perlWorks(perl: string): boolean {
  const r = spawnSync(perl, ['-e', 'exit 0'], { stdio: 'ignore', timeout: 5_000 });
  return !r.error && r.status === 0;
}

// ---------------------------------------------------------------------------------------------------
// Registry files, in the reference orchestrator's JSON format (see fixtures/real-workspace).

interface Planned extends Spec {
  registry: 'json' | 'sqlite';
  agentId: string;
  session: string;
  startedAt: number;
  lastUpdate: number;
}

const isActive = (a: Planned) => ACTIVE_STATUSES.has(a.status);

function terminalFields(a: Planned): Record<string, unknown> {
  if (a.status === 'completed') return { completed_at: pyIso(a.lastUpdate) };
  if (a.status === 'terminated') return { terminated_at: pyIso(a.lastUpdate), termination_reason: 'manual_termination' };
  return {};
}

function validation(a: Planned) {
  return {
    confidence: 1.0,
    warnings: [],
    blocking_issues: [],
    evidence_summary: {
      workspace_evidence: { modified_files_count: 3, progress_entries_count: 4, findings_count: 2 },
      type_specific: {},
      message_validation: { length: 412, suspicious_phrases_found: [], evidence_keywords_found: ['reported'] },
      progress_pattern: { pattern: 'normal', elapsed_seconds: (a.lastUpdate - a.startedAt) / 1000, speed: 'reasonable', working_updates_count: 3 },
    },
    validated_at: pyIso(a.lastUpdate),
  };
}

/** TASK-*\/AGENT_REGISTRY.json. */
function taskRegistryDoc(ws: string, taskId: string, taskCreated: number, description: string, agents: Planned[]) {
  const prompt = (p: string) => (p.length > 200 ? `${p.slice(0, 200)}...` : p);
  return {
    task_id: taskId,
    task_description: description,
    created_at: pyIso(taskCreated),
    workspace: join(ws, taskId),
    workspace_base: ws,
    client_cwd: null,
    status: 'INITIALIZED',
    priority: 'P1',
    agents: agents.map((a) => ({
      id: a.agentId,
      type: a.type,
      tmux_session: a.session,
      parent: 'orchestrator',
      depth: 1,
      status: a.status,
      started_at: pyIso(a.startedAt),
      progress: a.progress,
      last_update: pyIso(a.lastUpdate),
      prompt: prompt(a.prompt),
      ...(a.status === 'completed' ? { completion_validation: validation(a) } : {}),
      ...terminalFields(a),
    })),
    agent_hierarchy: { orchestrator: agents.map((a) => a.agentId) },
    max_agents: 45,
    max_depth: 5,
    max_concurrent: 20,
    total_spawned: agents.length,
    active_count: agents.filter(isActive).length,
    completed_count: agents.filter((a) => a.status === 'completed').length,
    orchestration_guidance: { min_specialization_depth: 2, recommended_child_agents_per_parent: 3, specialization_domains: [], complexity_score: 1 },
    spiral_checks: { enabled: true, last_check: pyIso(taskCreated), violations: 0 },
  };
}

/** registry/GLOBAL_REGISTRY.json. */
function globalRegistryDoc(taskId: string, taskCreated: number, description: string, agents: Planned[]) {
  const agent = (a: Planned) => ({
    task_id: taskId,
    type: a.type,
    parent: 'orchestrator',
    started_at: pyIso(a.startedAt),
    tmux_session: a.session,
    status: a.status,
    last_update: pyIso(a.lastUpdate),
    ...terminalFields(a),
  });
  return {
    created_at: pyIso(taskCreated),
    total_tasks: 1,
    active_tasks: 1,
    total_agents_spawned: agents.length,
    active_agents: agents.filter(isActive).length,
    max_concurrent_agents: 20,
    tasks: { [taskId]: { description, created_at: pyIso(taskCreated), status: 'INITIALIZED' } },
    agents: Object.fromEntries(agents.map((a) => [a.agentId, agent(a)])),
  };
}

function writeRegistry(ws: string, taskId: string, taskCreated: number, description: string, agents: Planned[]): void {
  const taskDir = join(ws, taskId);
  mkdirSync(join(ws, 'registry'), { recursive: true });
  mkdirSync(join(taskDir, 'logs'), { recursive: true });
  writeJsonAtomic(join(taskDir, 'AGENT_REGISTRY.json'), taskRegistryDoc(ws, taskId, taskCreated, description, agents));
  writeJsonAtomic(join(ws, 'registry', 'GLOBAL_REGISTRY.json'), globalRegistryDoc(taskId, taskCreated, description, agents));
}

// ---------------------------------------------------------------------------------------------------
// Building it, step by step. stop() tears down through demo/teardown.ts (the executor); an 'exit'
// hook without stop() uses its synchronous last resort.

const syncStops = new WeakMap<DemoSandbox, () => void>();

interface Dirs {
  ws: string;
  /** orch-top's own state while it watches the demo (XDG_STATE_HOME/orch-top: audit log, pane memory, shutdown record). */
  state: string;
  sqliteProject: string;
  sqliteWs: string;
}

interface Scripts {
  node: string;
  agent: string;
  orchestrator: string;
}

/** A workspace written and the agents it lists. */
interface Written {
  ws: string;
  taskId: string;
  taskDir: string;
  planned: Planned[];
}

/** A session made, by its id and its pane process (pid, start time). */
interface Made {
  id: string;
  pid: number;
  startTime: number;
}

interface Sessions {
  scratch: Made;
  stray: Made;
  /** The agent sessions, by agent id. */
  byAgent: Map<string, Made>;
  /** Every agent of both workspaces, and those of them that have a session. */
  all: Planned[];
  withSession: Planned[];
}

/** Builds the sandbox; resolves once every behaviour is really there (or cleans up and throws). */
export async function startDemo(opts: DemoOptions = {}): Promise<DemoSandbox> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const scripts: Scripts = { node: process.execPath, agent: builtScript('agent'), orchestrator: builtScript('orchestrator') };
  const server: TmuxServer = { socketName: `orch-top-demo-${process.pid}-${hex(3)}` };
  const st: TeardownState = {
    server,
    roots: [],
    socketPath: null,
    serverKey: null,
    zombieMaker: null,
    tracked: [],
    orchestrator: null,
    done: false,
    log,
  };
  const dirs = makeDirs(st);
  const { stop, stopSync } = stoppers(st, `tmux -L ${server.socketName}, workspaces ${dirs.ws} ${dirs.sqliteWs}`);
  try {
    const perl = opts.perl ?? 'perl';
    const notes: string[] = [];
    const withZombies = perlWorks(perl);
    if (!withZombies) notes.push(`perl not found (${perl}): no zombie agent`);
    const json = writeJsonWorkspace(dirs.ws, t0, withZombies);
    log(`demo: workspace ${dirs.ws}, task ${json.taskId}`);
    const sqlite = writeSqliteWorkspace(dirs, t0);
    log(`demo: workspace ${dirs.sqliteWs} (SQLite), task ${sqlite.taskId}`);
    const orchestrator = await startOrchestrator(st, scripts, dirs.ws);
    const sessions = await startSessions(st, scripts, perl, json, sqlite);
    const survivor = await waitReady(st, orchestrator, sessions, json.planned);
    await expectSessions(server, sessions);
    const crash = crasher(st, crashedSession(sessions, json.planned));
    const sandbox: DemoSandbox = {
      socketName: server.socketName!,
      server,
      workspace: dirs.ws,
      taskId: json.taskId,
      sqliteWorkspace: dirs.sqliteWs,
      sqliteTaskId: sqlite.taskId,
      workspaces: [dirs.ws, dirs.sqliteWs],
      stateHome: dirs.state,
      orchestratorPid: orchestrator.pid,
      prefix: DEMO_PREFIX,
      agents: demoAgents(sessions, survivor, dirs),
      notes,
      crash,
      stop,
    };
    syncStops.set(sandbox, stopSync);
    log(`demo: ready in ${Date.now() - t0} ms`);
    return sandbox;
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}

/** stop() (idempotent, asynchronous, through the executor) and the 'exit' hook's last resort. */
function stoppers(st: TeardownState, what: string): { stop: () => Promise<void>; stopSync: () => void } {
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (st.done) return;
      st.log(`demo: stopping (${what})`);
      await teardown(st);
      st.done = true;
      st.log('demo: stopped, nothing left');
    })());
  const stopSync = () => {
    if (st.done) return;
    teardownSync(st);
    st.done = true;
  };
  return { stop, stopSync };
}

/** Each workspace in a project of its own, named as a project (<tmp>/<project>/.agent-workspace). */
function makeDirs(st: TeardownState): Dirs {
  const jsonRoot = mkdtempSync(join(tmpdir(), 'orch-top-demo-'));
  const ws = join(jsonRoot, JSON_PROJECT, '.agent-workspace');
  st.roots.push(jsonRoot);
  let sqliteRoot: string;
  try {
    mkdirSync(ws, { recursive: true });
    // Today's format where the orchestrator puts it by default: ./.agent-workspace of its project.
    sqliteRoot = mkdtempSync(join(tmpdir(), 'orch-top-demo-sqlite-'));
  } catch (e) {
    rmSync(jsonRoot, { recursive: true, force: true });
    throw e;
  }
  st.roots.push(sqliteRoot);
  const sqliteProject = join(sqliteRoot, SQLITE_PROJECT);
  const state = join(jsonRoot, 'orch-top-state');
  mkdirSync(state, { recursive: true });
  return { ws, state, sqliteProject, sqliteWs: join(sqliteProject, '.agent-workspace') };
}

/** The JSON workspace: ids and times as the reference orchestrator makes them, agents a few seconds apart. */
function writeJsonWorkspace(ws: string, t0: number, withZombies: boolean): Written {
  const specs = SPECS.filter((s) => withZombies || s.behaviour !== 'zombie-parent');
  const taskCreated = t0 - (specs.length + 2) * 4_000;
  const taskId = `TASK-${yyyymmdd(taskCreated)}-${hhmmss(taskCreated)}-${hex(4)}`;
  const planned: Planned[] = specs.map((s, i) => {
    const startedAt = taskCreated + (i + 1) * 4_000;
    const agentId = `${s.type}-${hhmmss(startedAt - 2_000)}-${hex(3)}`;
    const lastUpdate = ACTIVE_STATUSES.has(s.status) ? t0 - 1_000 : startedAt + 2_500;
    return { ...s, registry: 'json' as const, agentId, session: `agent_${agentId}`, startedAt, lastUpdate };
  });
  const description = 'orch-top demo: agents that linger, ignore SIGHUP, leave zombies, leak descriptors and outlive their session';
  writeRegistry(ws, taskId, taskCreated, description, planned);
  return { ws, taskId, taskDir: join(ws, taskId), planned };
}

const SQLITE_MESSAGES: Record<string, string> = {
  phase_completed: 'Investigation phase done: 3 findings handed over',
  reviewing: 'Reviewing the investigation findings',
  blocked: 'Waiting for the review verdict',
};

/** The SQLite workspace: a task started a few minutes ago, its agents a minute apart. */
function writeSqliteWorkspace(dirs: Dirs, t0: number): Written {
  const created = t0 - (SQLITE_SPECS.length + 1) * 60_000;
  const taskId = `TASK-${yyyymmdd(created)}-${hhmmss(created)}-${hex(4)}`;
  const planned: Planned[] = SQLITE_SPECS.map((s, i) => {
    const startedAt = created + (i + 1) * 60_000;
    const agentId = `${s.type}-${hhmmss(startedAt - 2_000)}-${hex(3)}`;
    const lastUpdate = ACTIVE_STATUSES.has(s.status) ? t0 - 1_500 : startedAt + 45_000;
    return { ...s, registry: 'sqlite' as const, agentId, session: `agent_${agentId}`, startedAt, lastUpdate };
  });
  const task = {
    taskId,
    description: SQLITE_DESCRIPTION,
    clientCwd: dirs.sqliteProject,
    priority: 'P2',
    createdAt: pyIso(created),
    updatedAt: pyIso(Math.max(...planned.map((a) => a.lastUpdate))),
  };
  const agents = planned.map((a) => ({
    agentId: a.agentId,
    type: a.type,
    tmuxSession: a.session,
    status: a.status,
    progress: a.progress,
    promptPreview: a.prompt.split('\n')[0]!,
    startedAt: pyIso(a.startedAt),
    lastUpdate: pyIso(a.lastUpdate),
    completedAt: ACTIVE_STATUSES.has(a.status) ? null : pyIso(a.lastUpdate),
    message: SQLITE_MESSAGES[a.status] ?? a.status,
  }));
  writeStateDb(dirs.sqliteWs, task, agents);
  return { ws: dirs.sqliteWs, taskId, taskDir: join(dirs.sqliteWs, taskId), planned };
}

/**
 * The orchestrator: our child, but in its own session and process group like a daemon, so a Ctrl-C
 * in orch-top's terminal does not reach it (orch-top has to shut it down).
 */
async function startOrchestrator(st: TeardownState, scripts: Scripts, ws: string): Promise<Tracked & { cp: ChildProcess }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CLAUDE_ORCHESTRATOR_WORKSPACE: ws };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const logFd = openSync(join(ws, 'orchestrator.log'), 'a');
  let cp: ChildProcess;
  try {
    cp = spawn(scripts.node, [scripts.orchestrator, '--workspace', ws], { detached: true, stdio: ['ignore', logFd, logFd], env, cwd: ws });
  } finally {
    closeSync(logFd);
  }
  cp.unref();
  st.orchestrator = cp;
  await new Promise<void>((res, rej) => {
    cp.once('spawn', () => res());
    cp.once('error', (e) => rej(new Error(`demo: could not start the orchestrator: ${e.message}`)));
  });
  const key = proc.readStat(cp.pid!);
  if (!key) throw new Error('demo: the orchestrator exited at once (see orchestrator.log)');
  st.tracked.push(key);
  st.log(`demo: orchestrator pid ${cp.pid}`);
  return { pid: key.pid, startTime: key.startTime, cp };
}

async function newSession(st: TeardownState, name: string, cwd: string, argv: string[]): Promise<Made> {
  const r = await runTmux(st.server, ['new-session', '-d', '-P', '-F', '#{session_id} #{pane_pid}', '-s', name, '-x', '200', '-y', '50', '-c', cwd, ...argv]);
  const [id, pid] = r.stdout.trim().split(' ');
  if (r.exitCode !== 0 || !id || !pid) throw new Error(`demo: tmux new-session ${name} failed: ${r.error ?? r.stdout}`);
  const key = proc.readStat(Number(pid));
  if (!key) throw new Error(`demo: the process of session ${name} exited at once`);
  st.tracked.push(key);
  return { id, pid: key.pid, startTime: key.startTime };
}

/** What runs in an agent's pane, by behaviour. */
function agentCommand(scripts: Scripts, perl: string, a: Planned): string[] {
  const argv = (id: string, b: string) => [scripts.node, scripts.agent, '--agent', id, '--behaviour', b];
  const line = (id: string, b: string) => argv(id, b).map(shq).join(' ');
  switch (a.behaviour) {
    case 'hup-ignorer':
      return ['sh', '-c', `trap '' HUP; ${line(a.agentId, 'child')} & ${line(a.agentId, 'child')} & wait`];
    case 'zombie-parent':
      return [perl, '-e', ZOMBIE_MAKER_PERL, String(ZOMBIES_PER_MAKER), '--agent', a.agentId, '--behaviour', 'zombie-parent'];
    case 'crashed-leaker':
      return ['sh', '-c', `${line(a.agentId, 'survivor')} </dev/null >/dev/null 2>&1 & wait`];
    default:
      return argv(a.agentId, a.behaviour);
  }
}

/** scratch first (it starts the server), then the stray and every agent session at once. */
async function startSessions(st: TeardownState, scripts: Scripts, perl: string, json: Written, sqlite: Written): Promise<Sessions> {
  const scratch = await newSession(st, SCRATCH_SESSION, homedir(), [
    'sh',
    '-c',
    'echo "scratch: a personal session on the same server; orch-top must never touch it"; exec tail -f /dev/null',
  ]);
  const info = await runTmux(st.server, ['display-message', '-p', '#{pid} #{socket_path}']);
  const [serverPid, ...sock] = info.stdout.trim().split(' ');
  st.serverKey = proc.readStat(Number(serverPid));
  st.socketPath = sock.join(' ') || null;
  st.log(`demo: tmux -L ${st.server.socketName} (server pid ${serverPid}, socket ${st.socketPath}); session ${SCRATCH_SESSION} ${scratch.id}`);
  const all = [...json.planned, ...sqlite.planned];
  const withSession = all.filter((a) => a.behaviour !== 'ghost');
  // allSettled, not all: a failure must not start the teardown while other sessions are still
  // being made, or those would be made after it and left behind.
  const results = await Promise.allSettled([
    newSession(st, STRAY_SESSION, json.ws, [scripts.node, scripts.agent, '--agent', 'stray', '--behaviour', 'stray']),
    ...withSession.map((a) => newSession(st, a.session, a.registry === 'json' ? json.taskDir : sqlite.taskDir, agentCommand(scripts, perl, a))),
  ]);
  const [stray, ...made] = results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
  st.log(`demo: session ${STRAY_SESSION} ${stray!.id}; ${made.length} agent sessions`);
  return { scratch, stray: stray!, byAgent: new Map(withSession.map((a, i) => [a.agentId, made[i]!])), all, withSession };
}

/** Children of pid running the agent with that behaviour, immune to SIGHUP. */
function hupProofKids(pid: number, behaviour: string): Tracked[] {
  return proc
    .childrenOf(pid)
    .filter((c) => {
      const a = proc.readCmdline(c);
      return a.includes('--behaviour') && a[a.indexOf('--behaviour') + 1] === behaviour && hupProof(c);
    })
    .map((c) => proc.readStat(c))
    .filter((k) => k !== null);
}

/**
 * Waits until every behaviour is really there, checking them all in one polling loop; kills the
 * crashed agent's session once its survivor runs. Returns that survivor.
 */
async function waitReady(st: TeardownState, orch: Tracked & { cp: ChildProcess }, ss: Sessions, planned: Planned[]): Promise<Tracked> {
  /** The session of the JSON workspace's agent of that behaviour (the misbehaving ones live there). */
  const jsonSession = (b: DemoBehaviour) => {
    const a = planned.find((p) => p.behaviour === b);
    return a ? ss.byAgent.get(a.agentId) : undefined;
  };
  const zombieSess = jsonSession('zombie-parent');
  if (zombieSess) st.zombieMaker = zombieSess;
  const leaker = jsonSession('fd-leaker')!;
  const hup = jsonSession('hup-ignorer')!;
  const crashed = jsonSession('crashed-leaker')!;
  const live = [ss.scratch, ss.stray, ...ss.byAgent.values()].filter((s) => s !== crashed);
  let survivor: Tracked | null = null;
  let hupKids: Tracked[] = [];
  const checks: Record<string, () => boolean | Promise<boolean>> = {
    'session processes running': () => live.every(isLive),
    'orchestrator running': () => !childGone(orch.cp) && isLive(orch),
    'fd leaker climbing': () => devNullFds(leaker.pid) >= 2,
    'SIGHUP-proof children of the hup-ignorer': () => (hupKids = hupProofKids(hup.pid, 'child')).length >= 2,
    'crashed agent survivor running': () => {
      survivor ??= hupProofKids(crashed.pid, 'survivor')[0] ?? null;
      return survivor !== null && isLive(survivor);
    },
  };
  if (zombieSess)
    checks[`${ZOMBIES_PER_MAKER} zombies`] = () => proc.childrenOf(zombieSess.pid).filter((c) => proc.readState(c) === 'Z').length >= ZOMBIES_PER_MAKER;
  await pollChecks(checks);
  st.tracked.push(...hupKids, survivor!);
  return survivor!;
}

/** The crash: the crashed agent's session is killed (by id), so its SIGHUP-proof survivor leaks. */
function crasher(st: TeardownState, crashed: Made): () => Promise<void> {
  let crashing: Promise<void> | null = null;
  return () =>
    (crashing ??= (async () => {
      if (st.done) return;
      // By id: a bare name falls back to a prefix match in tmux.
      // Nothing is logged: the console may be drawing; orch-top's own event log shows the leak.
      await runTmux(st.server, ['kill-session', '-t', crashed.id]);
    })());
}

async function pollChecks(checks: Record<string, () => boolean | Promise<boolean>>): Promise<void> {
  const pending = new Set(Object.keys(checks));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    for (const name of [...pending]) if (await checks[name]!()) pending.delete(name);
    if (!pending.size) return;
    if (Date.now() > deadline) throw new Error(`demo: not ready after ${READY_TIMEOUT_MS} ms, still waiting for: ${[...pending].join(', ')}`);
    await sleep(POLL_MS);
  }
}

/** The crashed agent's session (the JSON workspace's crashed-leaker). */
function crashedSession(ss: Sessions, planned: Planned[]): Made {
  const a = planned.find((p) => p.behaviour === 'crashed-leaker');
  const s = a ? ss.byAgent.get(a.agentId) : undefined;
  if (!s) throw new Error('demo: the crashed agent has no session');
  return s;
}

async function expectSessions(server: TmuxServer, ss: Sessions): Promise<void> {
  const listed = await runTmux(server, ['list-sessions', '-F', '#{session_name}']);
  const live = new Set(listed.stdout.split('\n'));
  const expected = [SCRATCH_SESSION, STRAY_SESSION, ...ss.withSession.map((a) => a.session)];
  const missing = expected.filter((n) => !live.has(n));
  if (missing.length) throw new Error(`demo: sessions vanished during startup: ${missing.join(', ')}`);
}

function demoAgents(ss: Sessions, survivor: Tracked, dirs: Dirs): DemoAgent[] {
  return ss.all.map((a) => {
    const s = ss.byAgent.get(a.agentId);
    const alive = a.behaviour !== 'ghost' && a.behaviour !== 'crashed-leaker';
    return {
      agentId: a.agentId,
      session: a.session,
      behaviour: a.behaviour,
      registryStatus: a.status,
      sessionId: alive ? (s?.id ?? null) : null,
      pid: a.behaviour === 'crashed-leaker' ? survivor.pid : (s?.pid ?? null),
      registry: a.registry,
      workspace: a.registry === 'json' ? dirs.ws : dirs.sqliteWs,
    };
  });
}

/**
 * Tears the sandbox down when orch-top is interrupted (SIGINT, SIGTERM, SIGHUP) or exits without
 * stop(). After a signal it re-raises it, so the shell sees 130/143/129. Returns an uninstaller.
 */
export function installDemoCleanup(sandbox: DemoSandbox): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = new Map<NodeJS.Signals, () => void>();
  let handling = false;
  const onExit = () => syncStops.get(sandbox)?.();
  const uninstall = () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    process.removeListener('exit', onExit);
  };
  for (const sig of signals) {
    const h = () => {
      // A second Ctrl-C while tearing down must not cut the teardown short.
      if (handling) return;
      handling = true;
      const code = 128 + (osConstants.signals[sig] ?? 0);
      void sandbox
        .stop()
        .catch(() => {})
        .finally(() => {
          uninstall();
          // With no listener left, the re-raised signal takes its default action (death by signal);
          // if someone else still listens, exit with the conventional code ourselves.
          setTimeout(() => process.exit(code), 500);
          // biome-ignore lint/plugin/signals-only-in-actions: re-raising our own signal to die by it, no target
          if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
          else process.exit(code);
        });
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  process.on('exit', onExit);
  return uninstall;
}
