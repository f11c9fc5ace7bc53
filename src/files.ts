// Files orch-top itself writes (never the orchestrator's): written whole or not at all.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes to a temporary file beside `path`, then renames it over: a reader never sees half a file. */
export function writeFileAtomic(path: string, text: string, mode: number, dirMode = 0o755): void {
  mkdirSync(dirname(path), { recursive: true, mode: dirMode });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}
