// The orchestrator's pid file (`--pidfile`): a regular file of at most 4 KiB whose first word is a
// pid. Read through readRegularFile, so a FIFO, /dev/zero or a huge file is one line, never a hang.

import { KiB, readRegularFile } from './regular-file.js';

const PIDFILE_MAX_BYTES = 4 * KiB;

/** The pid in the file, or one line (starting with "pid file PATH:") saying why there is none. */
export function readPidfile(path: string): { pid: number } | { error: string } {
  const r = readRegularFile(path, PIDFILE_MAX_BYTES);
  if ('missing' in r) return { error: `pid file ${path}: not found` };
  if ('error' in r) return { error: `pid file ${path}: ${r.error}` };
  const word = r.text.trim().split(/\s+/)[0] ?? '';
  const pid = /^\d{1,10}$/.test(word) ? Number(word) : Number.NaN;
  if (!Number.isInteger(pid) || pid < 1) return { error: `pid file ${path}: no pid in it` };
  return { pid };
}
