// The /proc collector against real processes, cross-checked with ps and ls.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseStat, ProcReader, procKey } from '../../src/collectors/procfs.js';
import { collectProcTable, parsePsTime, readProcTableFallback } from '../../src/collectors/ps-fallback.js';
import { ProcessPool, waitFor, alive, procState } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-procfs-'));
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const psRow = (pid: number) => {
  const [p, ppid, pgid, sid, stat] = execFileSync('ps', ['-o', 'pid=,ppid=,pgid=,sid=,stat=', '-p', String(pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  return { pid: Number(p), ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), state: stat!.charAt(0) };
};

describe('parseStat', () => {
  const rest = 'S 1 2 3 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 4 0 123456 1000000 250 18446744073709551615';
  it('reads the fields after the last parenthesis', () => {
    expect(parseStat(`42 (sleep) ${rest}`)).toMatchObject({
      pid: 42,
      comm: 'sleep',
      state: 'S',
      ppid: 1,
      pgid: 2,
      sid: 3,
      utime: 7,
      stime: 3,
      threads: 4,
      startTime: 123456,
      rssPages: 250,
    });
  });
  it('is not fooled by a command name holding ") Z 1 (", spaces or a newline', () => {
    expect(parseStat(`43 (a) Z 1 (b) ${rest}`)).toMatchObject({ pid: 43, comm: 'a) Z 1 (b', state: 'S', ppid: 1, startTime: 123456 });
    expect(parseStat(`44 (x y\nz) ${rest}`)).toMatchObject({ comm: 'x y\nz', state: 'S' });
  });
  it('returns null for garbage', () => {
    expect(parseStat('')).toBeNull();
    expect(parseStat('12 (short) S 1')).toBeNull();
  });
});

describe('ProcReader on real processes', () => {
  it('finds a sleeper with the ids ps gives, its argv, memory and start', () => {
    const cp = pool.spawn('sleep', ['600']);
    const t = new ProcReader().readTable();
    const p = t.procs.get(cp.pid!)!;
    expect(p).toBeDefined();
    const ps = psRow(cp.pid!);
    expect({ pid: p.pid, ppid: p.ppid, pgid: p.pgid, sid: p.sid, state: p.state }).toEqual(ps);
    expect(p.ppid).toBe(process.pid);
    expect(p.cmdline).toEqual(['sleep', '600']);
    expect(p.comm).toBe('sleep');
    expect(p.rss).toBeGreaterThan(0);
    expect(p.threads).toBe(1);
    expect(p.uid).toBe(process.getuid!());
    expect(Math.abs(p.startedAt - Date.now())).toBeLessThan(5_000);
    expect(t.source).toBe('procfs');
  });

  it('reads a real process whose name holds ") Z 1 ("', async () => {
    const weird = join(dir, 'a) Z 1 (b');
    copyFileSync('/bin/sleep', weird);
    execFileSync('chmod', ['+x', weird]);
    const cp = pool.spawn(weird, ['600']);
    await waitFor(() => new ProcReader().readTable().procs.get(cp.pid!)?.comm === 'a) Z 1 (b', 3000, 'the exec');
    const p = new ProcReader().readTable().procs.get(cp.pid!)!;
    expect(p).toMatchObject({ state: 'S', ppid: process.pid, comm: 'a) Z 1 (b' });
  });

  it('sees zombies as state Z with an empty argv, under their parent', async () => {
    const { pid, zombies } = await pool.zombieMaker(2);
    const t = new ProcReader().readTable();
    for (const z of zombies) expect(t.procs.get(z)).toMatchObject({ state: 'Z', ppid: pid, cmdline: [] });
  });

  it('re-reads the start time, and says null once the process is gone', async () => {
    const cp = pool.spawn('sleep', ['600']);
    const r = new ProcReader();
    const p = r.readTable().procs.get(cp.pid!)!;
    expect(r.readStartTime(cp.pid!)).toBe(p.startTime);
    // Just spawned, it may still be running (R) on its way to sleep: wait until it sleeps.
    await waitFor(() => procState(cp.pid!) === 'S', 3_000, 'the sleeper to sleep');
    expect(r.readState(cp.pid!)).toBe('S');
    cp.kill('SIGKILL');
    await new Promise((res) => cp.once('exit', res));
    expect(r.readStartTime(cp.pid!)).toBeNull();
    expect(r.readState(cp.pid!)).toBeNull();
  });

  it('reads TMUX, TMUX_PANE, the workspace and agent-deck’s instance id from the environment, once per process', () => {
    const cp = pool.spawn('sleep', ['600'], {
      env: { TMUX: '/tmp/tmux-0/x,123,4', TMUX_PANE: '%9', CLAUDE_ORCHESTRATOR_WORKSPACE: '/w', AGENTDECK_INSTANCE_ID: '3f9a1c2e-1755870000' },
    });
    const r = new ProcReader();
    const p = r.readTable().procs.get(cp.pid!)!;
    const e = r.readEnvTrace(p.pid, p.startTime);
    expect(e).toEqual({ tmux: '/tmp/tmux-0/x,123,4', tmuxPane: '%9', workspace: '/w', claudeSession: null, agentDeckInstance: '3f9a1c2e-1755870000' });
    expect(r.readEnvTrace(p.pid, p.startTime)).toBe(e);
    expect(r.readEnvTrace(999_999_999, 1)).toBeNull();
  });

  it('notices an exec: argv and environment are read again when the command changes', async () => {
    const cp = pool.spawn('sh', ['-c', 'sleep 1.3; exec env TMUX_PANE=%42 sleep 600']);
    const r = new ProcReader();
    await waitFor(() => Date.now() - r.readTable().procs.get(cp.pid!)!.startedAt > 1100, 3000, 'the process to age');
    const before = r.readTable().procs.get(cp.pid!)!;
    expect(before.cmdline[0]).toBe('sh');
    expect(r.readEnvTrace(before.pid, before.startTime, before.comm)?.tmuxPane).toBeNull();
    const after = await waitFor(
      () => {
        const p = r.readTable().procs.get(cp.pid!)!;
        return p.comm === 'sleep' ? p : null;
      },
      3000,
      'the exec',
    );
    expect(after.startTime).toBe(before.startTime); // same (pid, start time)...
    expect(after.cmdline).toEqual(['sleep', '600']); // ...yet the new argv
    expect(r.readEnvTrace(after.pid, after.startTime, after.comm)?.tmuxPane).toBe('%42');
  });

  it('counts descriptors by kind, as ls /proc/PID/fd does', async () => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs'),net=require('net');for(let i=0;i<5;i++)fs.openSync('/dev/null','r');const s=net.createServer().listen(0,'127.0.0.1',()=>console.log('ready'));setInterval(()=>{},1e6)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    pool.track(child.pid!);
    await new Promise<void>((res) => child.stdout!.once('data', () => res()));
    const r = new ProcReader();
    const p = r.readTable().procs.get(child.pid!)!;
    const c = r.countFds(p.pid, p.startTime);
    const ls = readdirSync(`/proc/${child.pid}/fd`).length;
    expect(c.count).toBe(ls);
    expect(c.error).toBeNull();
    const k = c.kinds!;
    expect(k.file + k.socket + k.pipe + k.anon + k.other).toBe(c.count);
    expect(k.file).toBeGreaterThanOrEqual(5);
    expect(k.socket).toBeGreaterThanOrEqual(1);
    expect(k.pipe).toBeGreaterThanOrEqual(1); // its stdout
    expect(r.countFds(p.pid, p.startTime, false)).toMatchObject({ count: ls, kinds: null });
    child.kill();
    await new Promise((res) => child.once('exit', res));
  });

  it('a gone process gives "gone", never a throw', () => {
    expect(new ProcReader().countFds(999_999_999, 1)).toEqual({ pid: 999_999_999, startTime: 1, count: null, kinds: null, error: 'gone' });
    expect(new ProcReader().readCwd(999_999_999)).toBeNull();
  });

  it('skips processes that vanish mid-scan', async () => {
    const churn = pool.spawn('sh', ['-c', 'while :; do /bin/true; done']);
    const r = new ProcReader();
    for (let i = 0; i < 30; i++) expect(() => r.readTable()).not.toThrow();
    churn.kill('SIGKILL');
  });

  it('reads one process now: stat, argv and children', async () => {
    const { pid, zombies } = await pool.zombieMaker(2);
    const r = new ProcReader();
    expect(r.readStat(pid)).toMatchObject({ pid, state: 'S', ppid: process.pid });
    expect(r.readCmdline(pid)[0]).toBe('perl');
    expect(r.childrenOf(pid).sort()).toEqual([...zombies].sort());
    expect(r.readStat(zombies[0]!)?.state).toBe('Z');
    expect(r.childrenOf(999_999_999)).toEqual([]);
    expect(r.readCmdline(999_999_999)).toEqual([]);
  });

  it('finds children by ppid where the kernel has no task/TID/children files', () => {
    const root = join(dir, 'proc-without-children');
    const proc = (pid: number, ppid: number) => {
      mkdirSync(join(root, String(pid), 'task', String(pid)), { recursive: true });
      writeFileSync(join(root, String(pid), 'stat'), `${pid} (sh) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${pid}00 0 0 0`);
    };
    proc(10, 1);
    proc(11, 10);
    proc(12, 10);
    proc(13, 1);
    mkdirSync(join(root, 'self'), { recursive: true });
    const r = new ProcReader(root);
    expect(r.childrenOf(10).sort()).toEqual([11, 12]);
    expect(r.childrenOf(11)).toEqual([]);
    expect(r.childrenOf(99)).toEqual([]);
  });

  it('keys processes by (pid, start time)', () => {
    expect(procKey(12, 345)).toBe('12:345');
  });
});

describe('the ps fallback (used where there is no /proc)', () => {
  it('parses ps times', () => {
    expect(parsePsTime('05')).toBe(5);
    expect(parsePsTime('01:05')).toBe(65);
    expect(parsePsTime('02:01:05')).toBe(7265);
    expect(parsePsTime('3-02:01:05')).toBe(3 * 86400 + 7265);
  });

  it('agrees with /proc on ids and state of real processes', async () => {
    const a = pool.spawn('sleep', ['600']);
    const { pid: zm, zombies } = await pool.zombieMaker(1);
    const [fb, pf] = [await readProcTableFallback(), new ProcReader().readTable()];
    expect(fb.source).toBe('ps');
    for (const pid of [a.pid!, zm, zombies[0]!]) {
      const x = fb.procs.get(pid)!;
      const y = pf.procs.get(pid)!;
      expect({ pid: x.pid, ppid: x.ppid, pgid: x.pgid, sid: x.sid, state: x.state }).toEqual({
        pid: y.pid,
        ppid: y.ppid,
        pgid: y.pgid,
        sid: y.sid,
        state: y.state,
      });
    }
    expect(fb.procs.get(a.pid!)!.cmdline).toEqual(['sleep', '600']);
  });

  it('collectProcTable picks /proc on Linux', async () => {
    expect((await collectProcTable(new ProcReader())).source).toBe('procfs');
    expect((await collectProcTable(new ProcReader(join(dir, 'no-proc')))).source).toBe('ps');
  });

  it('leaves nothing running', async () => {
    const cp = pool.spawn('sleep', ['600']);
    await pool.teardown();
    expect(alive(cp.pid!)).toBe(false);
  });
});
