// The shapes that flow through orch-top: what collectors return (raw, plain data, no decisions) and
// what the model makes of it (the Snapshot every view renders). Types only; no code lives here.

// ---------------------------------------------------------------------------------------------------
// Raw data from collectors

/** A process as read from /proc/PID/stat (+ cmdline, status), or from ps on other systems. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Single-letter state from stat field 3: R S D Z T t X I W P K. */
  state: string;
  /** stat field 22: start time in clock ticks after boot. (pid, startTime) identifies a process. */
  startTime: number;
  /** Wall-clock start, epoch milliseconds (boot time + startTime / CLK_TCK). */
  startedAt: number;
  /** user + system CPU time, clock ticks (stat fields 14 + 15). */
  cpuTicks: number;
  /** Resident set size in bytes. */
  rss: number;
  threads: number;
  /** Real uid, or null when unknown. */
  uid: number | null;
  /** The short name from stat (between the first '(' and the LAST ')'). */
  comm: string;
  /** argv; empty for kernel threads and zombies. */
  cmdline: string[];
}

export interface ProcTable {
  /** When the table was read, epoch ms. */
  takenAt: number;
  /** Clock ticks per second (CLK_TCK) used to turn cpuTicks into seconds. */
  clockTicks: number;
  /** 'procfs' on Linux; 'ps' for the ps-list/ps fallback elsewhere. */
  source: 'procfs' | 'ps';
  /** When the table was read, on the start-time clock (clock ticks after boot, from /proc/uptime):
   *  what a process's startTime is compared with. null where unknown (the ps fallback). Wall-clock
   *  times cannot serve: startedAt is boot time (whole seconds) + ticks, off by up to a second. */
  nowTicks?: number | null;
  procs: Map<number, ProcInfo>;
}

/** The identity of one process: pid plus its start time, so a reused pid is never confused. */
export type ProcKey = string; // `${pid}:${startTime}`

export interface FdKinds {
  file: number;
  socket: number;
  pipe: number;
  anon: number;
  other: number;
}

export interface FdCount {
  pid: number;
  startTime: number;
  /** null when the directory could not be read (permission: "n/a"). */
  count: number | null;
  kinds: FdKinds | null;
  error: string | null;
}

/** The parts of /proc/PID/environ orch-top cares about. */
export interface EnvTrace {
  /** $TMUX: "<socket path>,<server pid>,<session index>" */
  tmux: string | null;
  /** $TMUX_PANE: "%N" */
  tmuxPane: string | null;
  /** $CLAUDE_ORCHESTRATOR_WORKSPACE */
  workspace: string | null;
  /** $CLAUDE_CODE_SESSION_ID: the claude session a process (an MCP server, a hook, a Bash tool) runs
   *  for (claude 2.1.154+); evidence only when an agent's own stream log names it. Absent: not read. */
  claudeSession?: string | null;
  /** $AGENTDECK_INSTANCE_ID: the agent-deck instance whose session a process was started in (agent-deck
   *  sets it in its sessions' environment); evidence only for a found instance whose session is gone or
   *  an orphan. Absent: not read. */
  agentDeckInstance?: string | null;
}

/** Which tmux server: `-L name`, `-S path`, or tmux's default. */
export interface TmuxServer {
  socketName?: string;
  socketPath?: string;
}

export interface TmuxPane {
  sessionId: string; // "$3"
  sessionName: string;
  /** Session creation, epoch seconds. */
  sessionCreated: number;
  sessionAttached: number;
  windowId: string; // "@4"
  windowIndex: number;
  paneId: string; // "%7"
  paneIndex: number;
  panePid: number;
  paneDead: boolean;
  /** Exit status of a dead pane (remain-on-exit), else null. */
  paneDeadStatus: number | null;
}

export interface TmuxState {
  server: TmuxServer;
  /** How it is named to a person: "default", "-L name" or "-S path" (collectors/tmux-exec describeServer). */
  label: string;
  /** false when the tmux binary could not be run at all. */
  available: boolean;
  /** true when a server answered on the socket. */
  running: boolean;
  /** A socket file is there but no server answers on it (a server that died without removing it). */
  stale: boolean;
  /** The server's socket path (#{socket_path}) when it answered. */
  socketPath: string | null;
  /** The server's pid (#{pid}) when it answered: the same on every line, or the answer is an error. */
  serverPid: number | null;
  /** The uid that owns the socket file (the server's owner), when it could be stat'ed. */
  socketUid: number | null;
  /** A plain sentence for a degraded state (tmux missing, timeout, unexpected output); null when fine. */
  error: string | null;
  panes: TmuxPane[];
}

/** Which reader recorded an agent: the reference orchestrator's two, or one agent manager's own state. */
export type AgentSource = 'json' | 'sqlite' | 'claude-squad' | 'agent-deck' | 'gastown' | 'agent-of-empires';

/** An agent manager (what `--source NAME` and sessions[].source name): its readers share its rules. */
export type ManagerName = 'orchestrator' | 'claude-squad' | 'agent-deck' | 'gastown' | 'agent-of-empires';

/**
 * How a manager names and owns its sessions, as its source module states it (collectors/sources): plain
 * data the model judges by. The reference orchestrator has none (its rules are the orchestrator probe
 * and --prefix).
 */
export interface ManagerClaim {
  manager: ManagerName;
  /** Session-name prefixes it gives every session it makes (claudesquad_, agentdeck_, aoe_). */
  prefixes: string[];
  /** Anchored regex sources for names it makes that have no fixed prefix (gastown's hq-*, <rig>-*). */
  patterns: string[];
  /** The `-L` socket names of the servers it makes sessions on ('default': tmux's default), or null:
   *  any server. On any other server a name of its pattern is not its session. */
  sockets: string[] | null;
  /** Program names (argv[0]'s basename or comm) of its owner process: the TUI or daemon. */
  ownerPrograms: string[];
  /** A session its state does not know is an orphan (after the grace): false where the manager keeps
   *  no list of the sessions it should have (gastown). */
  unknownOrphans: boolean;
  /** Every pane dead is an orphan: false where the manager keeps dead panes on purpose (remain-on-exit). */
  deadPanesOrphan: boolean;
  /** Anchored regex sources of its session names that are never orphans (a debug build's, whose state
   *  is elsewhere; a manager's human-managed sessions). */
  neverOrphan: string[];
  /** Infixes after a prefix that name a companion of an agent's session (aoe's `aoe_term_<title>_<id>`
   *  beside `aoe_<title>_<id>`): such a session is known when its agent's is. */
  auxPrefixes: string[];
  /** Raw status words by which its state clearly says the agent's session is live now: such an agent
   *  whose session is not on its server is a ghost. Absent or empty: no ghosts (the meaning is unclear). */
  liveStatuses?: string[];
}

/** A recorded status normalised by its source: the model's only question about a status word. */
export type AgentState = 'active' | 'terminal' | 'unknown';

/** One agent as the orchestrator recorded it. */
export interface RegistryAgent {
  agentId: string;
  taskId: string | null;
  type: string | null;
  status: string;
  /** `status` normalised by the source that read it (collectors/sources); absent on records built by
   *  hand (tests), where the model falls back to the reference orchestrator's words. */
  state?: AgentState;
  tmuxSession: string | null;
  parent: string | null;
  startedAt: string | null;
  lastUpdate: string | null;
  completedAt: string | null;
  taskDescription: string | null;
  /** Where it was read. */
  source: AgentSource;
  file: string;
  /** Recorded pids (SQLite state; never relied upon). */
  claudePid: number | null;
  cursorPid: number | null;
  /** The `-L` socket name of the server its session is on, when the manager records one ('default'
   *  for tmux's default server); absent: any watched server (the reference orchestrator's). */
  tmuxSocket?: string;
}

export type WorkspaceHow = 'flag' | 'config' | 'env' | 'cwd' | 'global-registry' | 'home' | 'demo';

export interface WorkspaceState {
  path: string;
  /** The path with symlinks resolved (how an orchestrator's workspace is matched to it). */
  realPath?: string;
  project: string | null;
  how: WorkspaceHow;
  /** At least one registry file in it could be read. */
  readable: boolean;
  /** A plain sentence when the workspace or one of its files could not be read; null when fine. */
  error: string | null;
  /** The workspace does not exist (a stale entry of the global registry): nothing in it to miss. */
  gone?: boolean;
  agents: RegistryAgent[];
  /** Set when the place is an agent manager's (not the reference orchestrator's) state. */
  claim?: ManagerClaim;
}

export interface OrchestratorPlacement {
  /** The workspace it serves: its $CLAUDE_ORCHESTRATOR_WORKSPACE, else <its cwd>/.agent-workspace. */
  workspace: string | null;
  /** The same with symlinks resolved, for matching. */
  realWorkspace: string | null;
  /** 'env': from its environment; 'cwd': its working directory holds .agent-workspace; null: unknown. */
  by: 'env' | 'cwd' | null;
}

export interface OrchestratorProbe {
  /** Candidate orchestrator pids (a pid file or --orchestrator-pid gives one; a pattern may match several). */
  pids: number[];
  /** The candidates that are not forks of another candidate: one orchestrator each (one per project). */
  roots?: number[];
  /** Where each root serves, when it could be read. */
  placements?: Map<number, OrchestratorPlacement>;
  how: 'pid' | 'pidfile' | 'match';
  /** With 'match': how each candidate matched (an interpreter running the script, or the program's own name). */
  matchedBy?: Map<number, 'script' | 'program'>;
  /** e.g. "pid file /run/x.pid: not found", or null. */
  error: string | null;
}

/** A claude session id an agent's stream log names (`<workspace>/logs/<agent id>_stream.jsonl`). */
export interface ClaudeLogSession {
  sessionId: string;
  agentId: string;
  /** The workspace whose registry names the agent. */
  workspace: string;
  log: string;
}

/** Everything one tick read from the world. */
export interface RawWorld {
  takenAt: number;
  /** Every tmux server watched: each socket of the user's tmux directory (the default one first), or
   *  the one -L/-S named. */
  tmux: TmuxState[];
  /** The servers are every socket of this directory (not one -L/-S): a $TMUX naming a socket in it
   *  whose server is gone is still this user's server. Null when narrowed. */
  socketDir?: string | null;
  procs: ProcTable;
  /** Environment traces for the processes whose environ was read (cached per ProcKey by the collector). */
  env: Map<number, EnvTrace>;
  /** Descriptor counts of the watched processes. */
  fds: Map<number, FdCount>;
  workspaces: WorkspaceState[];
  orchestrator: OrchestratorProbe;
  /** The claude session ids agents' own stream logs name (their stream-json init line): the mark
   *  a leftover of today's claude carries in its environment. */
  claudeLogs?: ClaudeLogSession[];
  /** orch-top's own pid and every ancestor up to pid 1: never targets. */
  self: { pid: number; ancestors: number[] };
  /** Degraded conditions worth one line each ("could not read /proc/123/fd: permission denied" is NOT one). */
  errors: string[];
}

// ---------------------------------------------------------------------------------------------------
// The model's output

export type OrphanReason =
  | 'orchestrator-down' // the orchestrator is not running
  | 'terminal-status' // the registry gives the agent a terminal status
  | 'unknown-to-registry' // the session has the prefix but no registry names it
  | 'panes-dead'; // every pane in the session is dead

/** 'contested': two sources claim the session; it is reported (an error line) and never an orphan. */
export type SessionStatus = 'active' | 'orphan' | 'contested';

export interface AgentRef {
  agentId: string;
  taskId: string | null;
  type: string | null;
  project: string | null;
  workspace: string;
  registryStatus: string;
  registrySource: AgentSource;
  taskDescription: string | null;
}

export interface PaneView {
  id: string;
  pid: number;
  dead: boolean;
  command: string;
}

export interface SessionView {
  id: string;
  name: string;
  /** The tmux server it is on ("default", "-L name", "-S path"): an id means nothing without it. */
  server: string;
  created: number; // epoch ms
  attached: boolean;
  /** How it was recognised as an agent session. */
  matchedBy: 'registry' | 'prefix' | 'registry+prefix';
  /** The agent manager whose session it is (the first by SOURCES order when contested). */
  source: ManagerName;
  /** Every manager that claims it, when more than one does. */
  claimedBy?: ManagerName[];
  agent: AgentRef | null;
  /** From the registry (null when only the prefix matched). */
  project: string | null;
  taskId: string | null;
  agentId: string | null;
  registryStatus: string | null;
  registrySource: AgentSource | null;
  /** Its owner process (the orchestrator, or the manager's TUI/daemon) when one runs, or null. */
  ownedBy: number | null;
  status: SessionStatus;
  reasons: OrphanReason[];
  /** One human sentence for the reasons, or null when active. */
  reason: string | null;
  panes: PaneView[];
  /** Pids of every process in the session (pane trees + same-SID members). */
  processes: number[];
  cpu: number; // percent of one core, summed
  rss: number; // bytes, summed
  fds: number | null; // summed; null when no count was readable
}

export type ProcessRole = 'pane' | 'descendant' | 'session-member' | 'orchestrator' | 'orchestrator-child' | 'leaked';

export interface ProcessView {
  pid: number;
  startTime: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  command: string;
  startedAt: number;
  cpu: number; // percent of one core over the last interval (or since start on the first tick)
  rss: number;
  threads: number;
  fds: number | null;
  role: ProcessRole;
  /** The tmux session it belongs to ("$3"), if any, and that session's server. */
  sessionId: string | null;
  server?: string | null;
}

export interface ZombieView {
  pid: number;
  startTime: number;
  ppid: number;
  command: string;
  parentCommand: string | null;
  /** The parent's start time, so the parent is signalled only while it is still that process. */
  parentStartTime: number | null;
  /** The parent is in the orchestrator's scope (an agent session, a leaked process, the orchestrator's
   *  tree), or it is the watched tmux server and the zombie is a dead agent pane's process. */
  parentInScope: boolean;
  /** The parent is the watched tmux server: it is only ever nudged (SIGCHLD), never terminated. */
  parentIsTmuxServer: boolean;
  /** Session the parent belongs to, if any, and that session's server. */
  sessionId: string | null;
  server?: string | null;
  startedAt: number;
}

export interface LeakedView {
  pid: number;
  startTime: number;
  ppid: number;
  sid: number;
  state: string;
  command: string;
  startedAt: number;
  cpu: number;
  rss: number;
  fds: number | null;
  /** The pane it came from ("%7") when its environment says so. */
  pane: string | null;
  /** The session it was traced to (id, its server, and name) when known. */
  sessionId: string | null;
  server?: string | null;
  sessionName: string | null;
  agentId: string | null;
  /** How it was traced: "TMUX_PANE %7 of session agent_x is gone", "sid 123 was pane of ...". */
  reason: string;
}

export type FdTrend = 'rising' | 'flat' | 'falling' | 'unknown';

export interface FdView {
  pid: number;
  startTime: number;
  command: string;
  role: ProcessRole;
  sessionId: string | null;
  server?: string | null;
  count: number | null;
  kinds: FdKinds | null;
  trend: FdTrend;
  /** Theil–Sen slope, descriptors per minute, over the history window; null with too few samples. */
  slopePerMin: number | null;
  samples: number;
  /** The recent counts (oldest first), for sparklines. */
  history: number[];
  growth: boolean;
}

export interface GhostView {
  agentId: string;
  taskId: string | null;
  tmuxSession: string | null;
  project: string | null;
  workspace: string;
  registryStatus: string;
  registrySource: AgentSource;
  /** The manager whose state records it ('orchestrator': the reference orchestrator's registry; every
   *  look sets it, records built by hand may not). */
  source?: ManagerName;
  /** The server its state says the session is on ('default' or a -L name); null: it records none. */
  server?: string | null;
}

export interface OrchestratorView {
  pid: number;
  startTime: number;
  running: boolean;
  how: OrchestratorProbe['how'];
  command: string;
  startedAt: number;
  cpu: number;
  rss: number;
  fds: number | null;
  fdKinds: FdKinds | null;
  children: number[];
  /** The workspace it serves, when known (its environment or working directory). */
  workspace: string | null;
  /** How the workspace was learned; null when it is unknown (it then counts as owning every workspace). */
  placedBy: 'env' | 'cwd' | null;
  /** The watched workspace it serves, if any. */
  project: string | null;
  /** It is orch-top's own ancestor (orch-top runs inside it): never signalled; a shutdown refuses. */
  ancestor?: boolean;
  /** With a command-line match: 'script' (an interpreter runs the matching script) or 'program'; else null. */
  matchedBy?: 'script' | 'program' | null;
}

/** An agent session over a configured limit (model/limits.ts), or a project over its maxAgents (no session). */
export interface OverLimitView {
  sessionId: string | null;
  /** The session's server (its label); null for maxAgents, which is per project. */
  server: string | null;
  sessionName: string | null;
  agentId: string | null;
  project: string | null;
  agentType: string | null;
  limit: 'maxRss' | 'maxCpu' | 'maxProcesses' | 'maxFds' | 'maxAge' | 'maxIdle' | 'maxAgents';
  /** A hard limit: `--reap --enforce-limits` ends the session. */
  hard: boolean;
  /** The figure now, and the limit, in `unit` (ms for age and idle; percent of one core for CPU). */
  value: number;
  max: number;
  unit: 'bytes' | 'percent' | 'processes' | 'descriptors' | 'ms' | 'agents';
  /** value - max. */
  by: number;
  /** When it went over (epoch ms): measured for age and idle, else the first look that saw it over; null for maxAgents. */
  since: number | null;
  /** How long it has been over, ms; null when unknown. */
  forMs: number | null;
  /** One line: "maxRss 2.3 GiB > 2.0 GiB, by 312 MiB, for 40s". */
  reason: string;
}

/**
 * Every kind of finding, by its key (which is also its count's key in the summary and the JSON
 * document), with the view the snapshot lists it by. model/findings.ts says everything else of each.
 */
export interface FindingViews {
  orphans: SessionView;
  leaked: LeakedView;
  zombies: ZombieView;
  ghosts: GhostView;
  fdGrowth: FdView;
  overLimit: OverLimitView;
}

export type FindingKind = keyof FindingViews;

/** One count per kind of finding (orphans, zombies in scope, leaked, ghosts, fdGrowth), and the rest. */
export interface Summary extends Record<FindingKind, number> {
  sessions: number;
  zombiesOther: number; // elsewhere on the machine, listed, not a finding
  strays: number;
  processes: number;
  findings: number;
}

/** One tmux server as a look saw it. */
export interface ServerView {
  socket: string; // "default", "-L name" or "-S path": its label everywhere (model/servers.ts serverTarget reaches it again)
  socketPath: string | null;
  available: boolean;
  running: boolean;
  /** A socket file no server answers on: listed, never an error. */
  stale: boolean;
  serverPid: number | null;
  error: string | null;
  /** Sessions on the server that are not agent sessions (never touched). */
  otherSessions: number;
}

export interface Snapshot {
  version: 1;
  takenAt: string; // ISO-8601
  /** Every tmux server watched, the default one first. */
  tmux: ServerView[];
  /** The orchestrator watched (the oldest running one when several run), or null. */
  orchestrator: OrchestratorView | null;
  /** Every running orchestrator found: one per project may run at once. */
  orchestrators: OrchestratorView[];
  orchestratorError: string | null;
  workspaces: { path: string; project: string | null; how: WorkspaceHow; readable: boolean; error: string | null; agents: number }[];
  sessions: SessionView[];
  processes: ProcessView[];
  zombies: ZombieView[];
  leaked: LeakedView[];
  /** Leftovers of gone panes of this server that orch-top cannot trace to an agent: listed, never touched. */
  strays: LeakedView[];
  fds: FdView[];
  ghosts: GhostView[];
  /** Agent sessions over a configured limit, and projects over their maxAgents (model/limits.ts). */
  overLimit: OverLimitView[];
  summary: Summary;
  errors: string[];
  /** What the look was asked to see and could not (model/incomplete.ts): exit 3 when any. */
  incomplete: string[];
}
