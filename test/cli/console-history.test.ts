// The console and a --serve's history, in a real terminal: a history database written by HistoryDb
// with known ticks, its lock held by a live process (pid and start time, as --serve writes it), and
// orch-top on a private tmux server shows the last hour and day above the Sessions table, reading the
// database without adding a row to it. No live holder: the strip says how to start one, and nothing
// is created in the state directory's place of the history. A corrupt history is one quiet line.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcReader } from '../../src/collectors/procfs.js';
import { HistoryDb, historyPath } from '../../src/history/db.js';
import { lockPath } from '../../src/history/lock.js';
import { makeSnapshot } from '../helpers/snapshot.js';
import { Terminal } from '../helpers/terminal.js';
import { ProcessPool, type TmuxServerFixture, waitFor } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
let env: Record<string, string>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-console-history-'));
  env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config') };
});
afterEach(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** A live process holding the state directory's lock, as a --serve does (its pid and start time). */
async function holdLock(): Promise<number> {
  const pid = pool.spawn('sleep', ['600']).pid!;
  const startTime = await waitFor(() => new ProcReader().readStartTime(pid), 5_000, 'the holder to start');
  mkdirSync(join(dir, 'state', 'orch-top'), { recursive: true });
  writeFileSync(lockPath(env), JSON.stringify({ pid, startTime }));
  return pid;
}

/** An hour of ticks a minute apart, through HistoryDb: 2 sessions, an orphan the last 10 minutes, 3 zombies once. */
function recordHour(now: number): void {
  const db = HistoryDb.open(historyPath(env), { retentionMs: 7 * 86_400_000, maxBytes: 64 * 2 ** 20 });
  if ('error' in db) throw new Error(db.error);
  for (let i = 60; i >= 1; i--) {
    const base = makeSnapshot();
    const summary = { ...base.summary, sessions: 2, orphans: i <= 10 ? 1 : 0, zombies: i === 30 ? 3 : 0, leaked: 0 };
    db.recordTick({ ...base, takenAt: new Date(now - i * 60_000).toISOString(), summary }, 20);
  }
  db.close();
}

const tickRows = () => (new Database(historyPath(env), { readonly: true }).prepare('SELECT COUNT(*) AS n FROM ticks').get() as { n: number }).n;

function startConsole(world: TmuxServerFixture): Terminal {
  return new Terminal(pool, { width: 120, height: 40, cwd: dir, env, args: ['-L', world.socketName, '--interval', '250ms'] });
}

function world(): TmuxServerFixture {
  const w = pool.tmuxServer('watched');
  w.newSession('notes', 'sleep 600');
  return w;
}

/** The screen's line starting with the strip row `label`. */
const row = (screen: string, label: string) => screen.split('\n').find((l) => l.startsWith(` ${label} `)) ?? '';

describe('the console reads the history of a live --serve', () => {
  it('shows the last hour and day of the counts above the Sessions table, and adds nothing to the history', async () => {
    recordHour(Date.now());
    const holder = await holdLock();
    const t = startConsole(world());
    const s = await t.until(new RegExp(`recorded by --serve pid ${holder}`), 'the history strip');
    expect(s).toMatch(/HISTORY\s+last hour\s+│ last day/);
    expect(row(s, 'orphans')).toMatch(/█ +1 │ .*█ +max 1$/);
    expect(row(s, 'zombies')).toMatch(/ 0 │ .*█.* +max 3$/);
    expect(row(s, 'sessions')).toMatch(/ 2 │ .* +max 2$/);
    expect(s.indexOf('HISTORY')).toBeLessThan(s.indexOf(' SESSION '));
    await t.ticks(4);
    expect(tickRows()).toBe(60);
    t.press('q');
    expect(await t.exitStatus()).toBe(0);
    expect(tickRows()).toBe(60);
  });

  it('says in one line that the history cannot be read when it is corrupt, and keeps running', async () => {
    const holder = await holdLock();
    writeFileSync(historyPath(env), 'this is not a database, it only sits where one should be'.repeat(100));
    const t = startConsole(world());
    const s = await t.until(/history \(--serve pid \d+\): cannot read/, 'the quiet line');
    expect(s).toContain(`history (--serve pid ${holder}): cannot read it: file is not a database (${dir}`);
    await t.ticks(3);
    t.press('q');
    expect(await t.exitStatus()).toBe(0);
  });
});

describe('without a --serve', () => {
  it('says how to start one, and the console creates no history of its own', async () => {
    const t = startConsole(world());
    await t.until(/history: no --serve recording; orch-top --serve records the last hour and day$/m, 'the hint');
    await t.ticks(3);
    t.press('q');
    expect(await t.exitStatus()).toBe(0);
    expect(existsSync(historyPath(env))).toBe(false);
    const state = join(dir, 'state', 'orch-top');
    expect(existsSync(state) ? readdirSync(state).filter((f) => f.startsWith('history')) : []).toEqual([]);
  });

  it('a lock left by a process that is gone is no recording', async () => {
    recordHour(Date.now());
    mkdirSync(join(dir, 'state', 'orch-top'), { recursive: true });
    // A pid that exists, with another start time: the --serve that wrote it is gone, the pid reused.
    writeFileSync(lockPath(env), JSON.stringify({ pid: process.pid, startTime: 1 }));
    const t = startConsole(world());
    await t.until(/history: no --serve recording/, 'the hint');
    t.press('q');
    expect(await t.exitStatus()).toBe(0);
  });
});
