// What main.ts and every mode share that costs nothing to load: the exit codes and the run context.
// main.ts imports only this (and the parser) before it knows the mode, so `--help`, `--version` and a
// usage error load no collector, no model and no terminal library; each mode is imported when chosen.

import type { WorkspaceHow } from '../model/types.js';

export interface Io {
  stdout: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): boolean };
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** 3: the look could not see something it was asked to see (Snapshot.incomplete), whatever it found. */
export const EXIT = { clean: 0, findings: 1, usage: 2, incomplete: 3 } as const;

export interface RunCtx {
  out: Io['stdout'];
  err: Io['stderr'];
  env: NodeJS.ProcessEnv;
  cwd: string;
  extraWorkspaces: { path: string; how: WorkspaceHow }[];
  /** Called once, when the first snapshot is in (the demo's crash waits for it). */
  afterFirstLook?: () => void;
}
