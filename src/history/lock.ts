// One `--serve` per state directory: $XDG_STATE_HOME/orch-top/serve.lock, created with O_EXCL and
// holding the owner's pid and start time. A lock whose owner is gone, or whose pid now belongs to
// another process (a different start time: the pid was reused, e.g. after a kill -9 and a reboot),
// is stale and taken over. The console asks `lockHolder` whether a --serve is recording.

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ProcReader } from '../collectors/procfs.js';
import { stateDir } from '../config.js';

export function lockPath(env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'serve.lock');
}

interface Holder {
  pid: number;
  startTime: number;
}

const reader = new ProcReader();

function readHolder(path: string): Holder | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return Number.isSafeInteger(v.pid) && Number.isSafeInteger(v.startTime) ? v : null;
  } catch {
    return null;
  }
}

function alive(h: Holder): boolean {
  const state = reader.readState(h.pid);
  return state !== null && state !== 'Z' && state !== 'X' && reader.readStartTime(h.pid) === h.startTime;
}

/** The pid of the live --serve holding the lock, or null (none, or a stale lock). */
export function lockHolder(path: string): number | null {
  const h = readHolder(path);
  return h && alive(h) ? h.pid : null;
}

export type LockResult = { release: () => void; tookOver: number | null } | { heldBy: number } | { error: string };

/** Takes the lock for this process, or says who holds it. */
export function acquireLock(path: string): LockResult {
  const me: Holder = { pid: process.pid, startTime: reader.readStartTime(process.pid) ?? 0 };
  let tookOver: number | null = null;
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  } catch (e) {
    return { error: `lock ${path}: ${(e as Error).message}` };
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { error: `lock ${path}: ${(e as Error).message}` };
      const h = readHolder(path);
      if (h && alive(h)) return { heldBy: h.pid };
      // A half-written lock (its owner died between open and write) is as stale as a dead owner's.
      tookOver = h?.pid ?? tookOver;
      try {
        unlinkSync(path);
      } catch {
        /* another one took it over first: try again */
      }
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    const release = () => {
      // Only our own lock is removed (a takeover after a stall must not lose the new owner's).
      const h = readHolder(path);
      if (h && h.pid === me.pid && h.startTime === me.startTime)
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
    };
    return { release, tookOver };
  }
  return { error: `lock ${path}: could not be taken (it kept changing)` };
}
