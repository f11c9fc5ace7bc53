// Reads Linux /proc: the process table, environments, descriptor counts. I/O only: it knows nothing
// of agents, orphans or scope. A process that vanishes mid-read is skipped; a permission error is
// "n/a"; nothing here throws for the state of another process.
//
// Why /proc directly: ps-list lacks state, session id and start time (the kill-safety check needs
// the start time) and is slower; pidusage gives CPU and memory only. Why plain synchronous reads into
// one reused buffer: fs/promises costs one promise and one buffer per file, an order of magnitude
// more for thousands of small files. `npm run bench` prints this reader against ps-list and pidusage.
// CPU % comes from stat's tick counters between ticks (the model). ps-list is the fallback where
// there is no /proc. The console runs the scan in a worker thread (src/collector.ts).
// Command lines and environments are cached per (pid, start time) and pruned when the process is
// gone. exec() replaces both but keeps pid and start time, so a cached entry also remembers the
// command name (stat's comm, which exec changes) and is read again when it differs; and nothing is
// cached for a process younger than a second, when a fork-then-exec is most likely still under way.
// (An exec of a binary with the same name, or a process rewriting its own argv, can still go unseen
// until the process is gone; orch-top only needs argv to recognise processes.) Between whole scans
// the table may be read partly (readTable's scope): the caller bounds what that can miss by how
// often it asks for a whole one (src/engine.ts, FULL_SCAN_MS).

import { closeSync, existsSync, openSync, readdirSync, readlinkSync, readSync, statSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { EnvTrace, FdCount, FdKinds, ProcInfo, ProcKey, ProcTable } from '../model/types.js';

export const procKey = (pid: number, startTime: number): ProcKey => `${pid}:${startTime}`;

export interface ParsedStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  utime: number;
  stime: number;
  threads: number;
  startTime: number;
  rssPages: number;
}

/**
 * /proc/PID/stat. The command name sits in parentheses and may itself contain ") Z 1 (", spaces or
 * newlines, so everything after the LAST ")" is split, never the whole line.
 */
export function parseStat(text: string): ParsedStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state); field N is f[N - 3].
  if (f.length < 22) return null;
  const num = (n: number) => Number(f[n - 3]);
  const parsed: ParsedStat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0]!,
    ppid: num(4),
    pgid: num(5),
    sid: num(6),
    utime: num(14),
    stime: num(15),
    threads: num(20),
    startTime: num(22),
    rssPages: num(24),
  };
  return Number.isFinite(parsed.pid) && Number.isFinite(parsed.startTime) ? parsed : null;
}

/** AT_PAGESZ and AT_CLKTCK in the auxiliary vector the kernel hands every process (elf.h). */
const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/**
 * Page size and CLK_TCK from /proc/self/auxv: (type, value) pairs of native words, 8-byte on 64-bit
 * (4-byte on 32-bit), ended by AT_NULL. Node has no sysconf, and a `getconf` subprocess per constant
 * cost a --snapshot two spawns. Unreadable or absent: the values nearly every Linux has.
 */
export function parseAuxv(buf: Buffer, wordBytes = process.arch.endsWith('64') ? 8 : 4): { pageSize: number | null; clockTicks: number | null } {
  const out = { pageSize: null as number | null, clockTicks: null as number | null };
  const word = (at: number) => (wordBytes === 8 ? Number(buf.readBigUInt64LE(at)) : buf.readUInt32LE(at));
  for (let at = 0; at + 2 * wordBytes <= buf.length; at += 2 * wordBytes) {
    const type = word(at);
    if (type === 0) break;
    if (type === AT_PAGESZ) out.pageSize = word(at + wordBytes);
    else if (type === AT_CLKTCK) out.clockTicks = word(at + wordBytes);
  }
  return out;
}

let sysCache: { pageSize: number; clockTicks: number } | null = null;
function systemConstants(): { pageSize: number; clockTicks: number } {
  if (sysCache) return sysCache;
  let aux: ReturnType<typeof parseAuxv> = { pageSize: null, clockTicks: null };
  try {
    if (os.endianness() === 'LE') aux = parseAuxv(readFileSync('/proc/self/auxv'));
  } catch {
    /* no /proc: the fallbacks */
  }
  const ok = (v: number | null, fallback: number) => (v !== null && Number.isFinite(v) && v > 0 ? v : fallback);
  sysCache = { pageSize: ok(aux.pageSize, 4096), clockTicks: ok(aux.clockTicks, 100) };
  return sysCache;
}

/** Younger than this, a process may still be between fork and exec: its argv is not cached. */
const YOUNG_MS = 1_000;

const isGone = (e: unknown) => {
  const c = (e as NodeJS.ErrnoException).code;
  return c === 'ENOENT' || c === 'ESRCH';
};

/** A descriptor's kind from its link target: "/path", "socket:[…]", "pipe:[…]", "anon_inode:…". */
function kindOf(target: string): keyof FdKinds {
  switch (target.charCodeAt(0)) {
    case 47: // '/'
      return 'file';
    case 115: // 's'
      return target.startsWith('socket:') ? 'socket' : 'other';
    case 112: // 'p'
      return target.startsWith('pipe:') ? 'pipe' : 'other';
    case 97: // 'a'
      return target.startsWith('anon_inode:') ? 'anon' : 'other';
    default:
      return 'other';
  }
}

export class ProcReader {
  private buf = Buffer.alloc(64 * 1024);
  /** argv and uid per (pid, start): read once. A uid cached at first sight can miss a later setuid();
   *  no rule depends on uid, and the stat call is one more syscall per process per scan. */
  private readonly idents = new Map<ProcKey, { cmdline: string[]; uid: number | null; comm: string }>();
  private readonly envs = new Map<ProcKey, { trace: EnvTrace | null; comm: string | undefined }>();
  /** Descriptor kinds per (pid, start time), with the count they were read at. */
  private readonly fdKinds = new Map<ProcKey, { count: number; kinds: FdKinds }>();
  private bootMs: number | null = null;
  /** The last table, whose rows a partial table reuses. */
  private last: Map<number, ProcInfo> | null = null;
  /** Pids whose argv was not cached (young, or empty): read again next table. */
  private unsettled = new Set<number>();
  /** The errno of the last failed readInto. */
  private lastError: unknown = null;

  constructor(readonly procRoot = '/proc') {}

  /** Reads a whole small file into the shared buffer; returns the byte length, or -1 if unreadable. */
  private readInto(path: string): number {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      this.lastError = e;
      return -1;
    }
    try {
      let len = 0;
      for (;;) {
        if (len === this.buf.length) {
          const bigger = Buffer.alloc(this.buf.length * 2);
          this.buf.copy(bigger);
          this.buf = bigger;
        }
        const n = readSync(fd, this.buf, len, this.buf.length - len, null);
        if (n === 0) return len;
        len += n;
      }
    } catch (e) {
      this.lastError = e;
      return -1;
    } finally {
      closeSync(fd);
    }
  }

  private readText(path: string): string | null {
    const n = this.readInto(path);
    return n < 0 ? null : this.buf.toString('utf8', 0, n);
  }

  /** NUL-separated list (cmdline, environ); a trailing NUL does not make an empty last element. */
  private readNulList(path: string): string[] | null {
    const n = this.readInto(path);
    if (n < 0) return null;
    if (n === 0) return [];
    const end = this.buf[n - 1] === 0 ? n - 1 : n;
    return this.buf.toString('utf8', 0, end).split('\0');
  }

  /** Now on the start-time clock: /proc/uptime's seconds in clock ticks; null when unreadable. */
  uptimeTicks(clockTicks: number): number | null {
    try {
      const up = Number.parseFloat(readFileSync(`${this.procRoot}/uptime`, 'utf8'));
      return Number.isFinite(up) ? Math.floor(up * clockTicks) : null;
    } catch {
      return null;
    }
  }

  bootTimeMs(): number {
    if (this.bootMs === null) {
      const m = /^btime (\d+)$/m.exec(readFileSync(`${this.procRoot}/stat`, 'utf8'));
      this.bootMs = m ? Number(m[1]) * 1000 : 0;
    }
    return this.bootMs;
  }

  /**
   * The process table, synchronously (threads are not processes and are not listed). `/proc` is
   * listed every time; with `scope`, only new pids, the pids in `scope.watch` and those whose
   * command line is not settled yet are read again, and every other row is last table's; without it
   * (and on the first call) every pid's stat is read. What a partial table can miss is a change in a
   * process nobody watches (its state, parent, figures), or a pid reused by an unwatched process
   * between two tables: the caller bounds both by asking for a whole table every few seconds.
   */
  readTable(scope?: { watch: ReadonlySet<number> }): ProcTable {
    const { pageSize, clockTicks } = systemConstants();
    const boot = this.bootTimeMs();
    const procs = new Map<number, ProcInfo>();
    const live = new Set<ProcKey>();
    const takenAt = Date.now();
    const last = scope ? this.last : null;
    const unsettled = new Set<number>();
    for (const name of readdirSync(this.procRoot)) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      const prev = last?.get(pid);
      if (prev && !scope!.watch.has(pid) && !this.unsettled.has(pid)) {
        procs.set(pid, prev);
        live.add(procKey(pid, prev.startTime));
        continue;
      }
      const info = this.readRow(name, boot, pageSize, clockTicks, takenAt, unsettled);
      if (!info) continue; // gone between readdir and read
      procs.set(info.pid, info);
      live.add(procKey(info.pid, info.startTime));
    }
    for (const k of this.idents.keys()) if (!live.has(k)) this.idents.delete(k);
    for (const k of this.envs.keys()) if (!live.has(k)) this.envs.delete(k);
    for (const k of this.fdKinds.keys()) if (!live.has(k)) this.fdKinds.delete(k);
    this.last = procs;
    this.unsettled = unsettled;
    return { takenAt, clockTicks, source: 'procfs', nowTicks: this.uptimeTicks(clockTicks), procs };
  }

  /** One process's row from its stat (and its argv, once per (pid, start time)); null when gone. */
  private readRow(name: string, boot: number, pageSize: number, clockTicks: number, takenAt: number, unsettled: Set<number>): ProcInfo | null {
    const text = this.readText(`${this.procRoot}/${name}/stat`);
    if (text === null) return null;
    const s = parseStat(text);
    if (!s) return null;
    const k = procKey(s.pid, s.startTime);
    let ident = this.idents.get(k);
    if (ident !== undefined && ident.comm !== s.comm) ident = undefined; // it exec'd
    if (ident === undefined) {
      let uid: number | null = null;
      try {
        uid = statSync(`${this.procRoot}/${name}`).uid;
      } catch {
        /* gone */
      }
      ident = { cmdline: this.readNulList(`${this.procRoot}/${name}/cmdline`) ?? [], uid, comm: s.comm };
      // A zombie's or a kernel thread's argv is empty, and a process still exec'ing may show its
      // parent's: cache neither, read them again next tick (kernel threads and zombies never exec).
      const young = takenAt - (boot + (s.startTime / clockTicks) * 1000) < YOUNG_MS;
      if (ident.cmdline.length && !young) this.idents.set(k, ident);
      else if (s.state !== 'Z' && s.ppid !== 2 && s.pid !== 2) unsettled.add(s.pid);
    }
    return {
      pid: s.pid,
      ppid: s.ppid,
      pgid: s.pgid,
      sid: s.sid,
      state: s.state,
      startTime: s.startTime,
      startedAt: boot + (s.startTime / clockTicks) * 1000,
      cpuTicks: s.utime + s.stime,
      rss: s.rssPages * pageSize,
      threads: s.threads,
      uid: ident.uid,
      comm: s.comm,
      cmdline: ident.cmdline,
    };
  }

  /** /proc/PID/stat now (state and start time in one read), or null when the process is gone. */
  readStat(pid: number): ParsedStat | null {
    const text = this.readText(`${this.procRoot}/${pid}/stat`);
    return text === null ? null : parseStat(text);
  }

  /** Field 22 of /proc/PID/stat now, or null when the process is gone: the kill-safety check. */
  readStartTime(pid: number): number | null {
    return this.readStat(pid)?.startTime ?? null;
  }

  /** State letter now (R, S, Z, …), or null when gone. Liveness must come from here, not kill(pid, 0). */
  readState(pid: number): string | null {
    return this.readStat(pid)?.state ?? null;
  }

  /** argv now, uncached; empty when gone or unreadable. */
  readCmdline(pid: number): string[] {
    return this.readNulList(`${this.procRoot}/${pid}/cmdline`) ?? [];
  }

  /**
   * Direct children; empty when gone. /proc/PID/task/TID/children is exact and cheap; a kernel built
   * without it (CONFIG_PROC_CHILDREN) gets a scan of every process's stat for its ppid.
   */
  childrenOf(pid: number): number[] {
    const out: number[] = [];
    const task = `${this.procRoot}/${pid}/task`;
    let tids: string[];
    try {
      tids = readdirSync(task);
    } catch {
      return out;
    }
    for (const tid of tids) {
      const c = this.readText(`${task}/${tid}/children`);
      if (c === null) {
        if (!existsSync(`${task}/${tid}`)) continue; // that thread ended meanwhile
        return this.scanChildren(pid);
      }
      for (const x of c.trim().split(' ')) if (x) out.push(Number(x));
    }
    return out;
  }

  private scanChildren(pid: number): number[] {
    const out: number[] = [];
    for (const name of readdirSync(this.procRoot)) {
      if (/^\d+$/.test(name) && this.readStat(Number(name))?.ppid === pid) out.push(Number(name));
    }
    return out;
  }

  /**
   * $TMUX, $TMUX_PANE, $CLAUDE_ORCHESTRATOR_WORKSPACE, $CLAUDE_CODE_SESSION_ID of a process; null when unreadable. Cached per
   * (pid, start time); give the current command name (stat's comm) so an exec is noticed.
   */
  readEnvTrace(pid: number, startTime: number, comm?: string): EnvTrace | null {
    const k = procKey(pid, startTime);
    const cached = this.envs.get(k);
    if (cached && cached.comm === comm) return cached.trace;
    // One open: readInto keeps the errno, to tell "gone" from "not allowed".
    const list = this.readNulList(`${this.procRoot}/${pid}/environ`);
    if (list === null) {
      if (!isGone(this.lastError)) this.envs.set(k, { trace: null, comm }); // permission: remember, do not retry every tick
      return null;
    }
    const trace: EnvTrace = { tmux: null, tmuxPane: null, workspace: null, claudeSession: null, agentDeckInstance: null };
    for (const kv of list) {
      if (kv.startsWith('TMUX=')) trace.tmux = kv.slice(5);
      else if (kv.startsWith('TMUX_PANE=')) trace.tmuxPane = kv.slice(10);
      else if (kv.startsWith('CLAUDE_ORCHESTRATOR_WORKSPACE=')) trace.workspace = kv.slice(30);
      else if (kv.startsWith('CLAUDE_CODE_SESSION_ID=')) trace.claudeSession = kv.slice(23);
      else if (kv.startsWith('AGENTDECK_INSTANCE_ID=')) trace.agentDeckInstance = kv.slice(22);
    }
    // An empty environ is what a zombie or an exiting process shows: not worth caching.
    if (list.length) this.envs.set(k, { trace, comm });
    return trace;
  }

  /**
   * Open descriptors of a process, by kind from their link targets. A descriptor closed between
   * readdir and readlink is counted as "other", so the kinds always add up to the count. Sorting by
   * kind is one readlink per descriptor; with `reuseKinds`, a process whose count has not changed
   * since its kinds were last read keeps them (the caller reads them afresh every few seconds).
   */
  countFds(pid: number, startTime: number, withKinds = true, reuseKinds = false): FdCount {
    const dir = `${this.procRoot}/${pid}/fd`;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      return { pid, startTime, count: null, kinds: null, error: isGone(e) ? 'gone' : 'n/a' };
    }
    if (!withKinds) return { pid, startTime, count: names.length, kinds: null, error: null };
    const k = procKey(pid, startTime);
    const known = this.fdKinds.get(k);
    if (reuseKinds && known && known.count === names.length) return { pid, startTime, count: names.length, kinds: { ...known.kinds }, error: null };
    const kinds: FdKinds = { file: 0, socket: 0, pipe: 0, anon: 0, other: 0 };
    for (const n of names) {
      let target: string;
      try {
        target = readlinkSync(`${dir}/${n}`);
      } catch {
        kinds.other++;
        continue;
      }
      kinds[kindOf(target)]++;
    }
    this.fdKinds.set(k, { count: names.length, kinds: { ...kinds } });
    return { pid, startTime, count: names.length, kinds, error: null };
  }

  /** The working directory of a process, or null. */
  readCwd(pid: number): string | null {
    try {
      return readlinkSync(`${this.procRoot}/${pid}/cwd`);
    } catch {
      return null;
    }
  }

  /** Whether SIGHUP is ignored (SigIgn) or handled (SigCgt) by a process: bit 0 of the masks in status. */
  hupProof(pid: number): boolean {
    try {
      const st = readFileSync(`${this.procRoot}/${pid}/status`, 'utf8');
      const mask = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(st)?.[1] ?? '0'}`);
      return ((mask('SigIgn') | mask('SigCgt')) & 1n) === 1n;
    } catch {
      return false;
    }
  }

  /** Where each open descriptor of a process points (readlink of /proc/PID/fd/N); empty when gone. */
  fdTargets(pid: number): string[] {
    const out: string[] = [];
    try {
      for (const fd of readdirSync(`${this.procRoot}/${pid}/fd`)) {
        try {
          out.push(readlinkSync(`${this.procRoot}/${pid}/fd/${fd}`));
        } catch {
          /* closed meanwhile */
        }
      }
    } catch {
      /* gone */
    }
    return out;
  }
}

/** Whether this system has a Linux /proc to check start times in before signalling. */
export function hasProcfs(): boolean {
  return existsSync('/proc/self/stat');
}
