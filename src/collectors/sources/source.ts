// What an agent-state source is: one agent manager's own record of its agents, found, read read-only
// and normalised (DESIGN.md "Which sessions belong to whom: sources"). Types only. A source decides
// nothing about sessions or processes: it says what its manager recorded, and the model judges.

import type { AgentSource, AgentState, ManagerClaim, ManagerName, RegistryAgent, WorkspaceHow } from '../../model/types.js';

/** A place a manager keeps its state in (the reference orchestrator's: a workspace directory). */
export interface WorkspaceRef {
  path: string;
  how: WorkspaceHow;
  /** The project name the global registry records for it, when it came from there. */
  project?: string | null;
}

/** What decides where state is looked for. */
export interface FindContext {
  /** --workspace flags and the config file's workspaces (non-empty replaces discovery). */
  flags: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where the user's home is; defaults to $HOME, else the OS's home directory. */
  home?: string;
}

/** The places found, and one line per place that could not be listed (an unreadable index). */
export interface Found {
  refs: WorkspaceRef[];
  errors: string[];
}

/** One source's reading of one place. */
export interface SourceRead {
  /** Its state is there (a file was found, read or not). */
  present: boolean;
  /** At least one of its files was read: the place counts as readable even when another failed. */
  readOk: boolean;
  /** With `state` filled by `normalise`, and `status` the raw word. */
  agents: RegistryAgent[];
  /** The project its records name, when they name one. */
  project: string | null;
  /** One line per file that could not be read, each starting with the file's path. */
  errors: string[];
  /** Session-name patterns learned from the state (gastown's rig prefixes), joining the claim's. */
  patterns?: string[];
}

export interface AgentStateSource {
  /** Shown as registrySource in every view and in the JSON document. */
  readonly name: AgentSource;
  /** The manager it reads for (what --source names and sessions[].source shows). */
  readonly manager: ManagerName;
  /** How the manager names and owns its sessions; absent for the reference orchestrator (its rules
   *  are the orchestrator probe and --prefix). */
  readonly claim?: ManagerClaim;
  /** Higher wins where two sources of one place name the same agent (SQLite over JSON). */
  readonly precedence: number;
  /**
   * Where its state is. Sources of one manager share one find function: it is called once per look,
   * however many of them share it (so an index like the global registry is read once).
   */
  readonly find: (ctx: FindContext) => Found;
  /** Reads its state in one place, read-only. Never throws: what fails is a line in `errors`. */
  read(place: string): Promise<SourceRead>;
  /** A status word as this manager writes it → active / terminal / unknown. */
  normalise(status: string): AgentState;
}
