// The process table where there is no /proc (macOS, the BSDs): ps-list for the list, plus ONE ps
// call for what ps-list lacks (process group, session, state, start, CPU time). I/O only.
// Without /proc there is no exact start time in clock ticks, so startTime here is the start in
// whole seconds since the epoch, times CLK_TCK: stable for a process, different for a reused pid
// unless it was reused within the same second.

import { existsSync } from 'node:fs';
import type { ProcInfo, ProcTable } from '../model/types.js';
import type { ProcReader } from './procfs.js';

const CLK = 100;

/** "[[dd-]hh:]mm:ss" (ps etime/time) → seconds. */
export function parsePsTime(t: string): number {
  const [days, rest] = t.includes('-') ? t.split('-') : ['0', t];
  const parts = rest!.split(':').map(Number);
  while (parts.length < 3) parts.unshift(0);
  return Number(days) * 86400 + parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
}

export async function readProcTableFallback(): Promise<ProcTable> {
  // Loaded here, not at the top: on Linux nothing needs them, and a --snapshot should not pay for them.
  const [{ execa }, { default: psList }] = await Promise.all([import('execa'), import('ps-list')]);
  const takenAt = Date.now();
  const [list, ps] = await Promise.all([
    psList({ all: true }),
    execa('ps', ['-A', '-o', 'pid=,ppid=,pgid=,sess=,stat=,rss=,etime=,time=,uid='], { timeout: 5000, reject: false }),
  ]);
  const extra = new Map<number, string[]>();
  for (const line of String(ps.stdout ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 9) extra.set(Number(f[0]), f);
  }
  const procs = new Map<number, ProcInfo>();
  for (const p of list) {
    const f = extra.get(p.pid);
    if (!f) continue; // gone between the two reads
    const elapsed = parsePsTime(f[6]!);
    const startSec = Math.floor(takenAt / 1000) - elapsed;
    const cmd = p.cmd ?? p.name;
    procs.set(p.pid, {
      pid: p.pid,
      ppid: Number(f[1]),
      pgid: Number(f[2]),
      sid: Number(f[3]),
      state: f[4]!.charAt(0),
      startTime: startSec * CLK,
      startedAt: startSec * 1000,
      cpuTicks: parsePsTime(f[7]!) * CLK,
      rss: Number(f[5]) * 1024,
      threads: 1,
      uid: Number(f[8]),
      comm: p.name,
      // ps gives one string; split on spaces (argv boundaries are not recoverable from ps).
      cmdline: cmd ? cmd.split(' ') : [],
    });
  }
  return { takenAt, clockTicks: CLK, source: 'ps', nowTicks: null, procs };
}

/** /proc when the system has it (partly, with `scope`: see ProcReader.readTable), else ps-list + ps. */
export async function collectProcTable(reader: ProcReader, scope?: { watch: ReadonlySet<number> }): Promise<ProcTable> {
  return existsSync(`${reader.procRoot}/self/stat`) ? reader.readTable(scope) : readProcTableFallback();
}
