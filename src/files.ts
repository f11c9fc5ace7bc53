// Files orch-top itself writes (never the orchestrator's): written whole or not at all.

import { mkdirSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes to a temporary file beside `path`, then renames it over: a reader never sees half a file. */
export function writeFileAtomic(path: string, text: string, mode: number, dirMode = 0o755): void {
  mkdirSync(dirname(path), { recursive: true, mode: dirMode });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

/**
 * Why a file operation failed, in the words every report of orch-top uses ("not found", "permission
 * denied", …); `as` renames a code where the context says it better.
 */
export function fsReason(e: unknown, as: Partial<Record<string, string>> = {}): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const words: Record<string, string> = {
    ENOENT: 'not found',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'is not a directory',
    EROFS: 'read-only file system',
    ...as,
  } as Record<string, string>;
  return words[code] ?? (e as Error).message;
}

/** The path with symlinks resolved, or the path itself when it cannot be (gone, unreadable). */
export function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
