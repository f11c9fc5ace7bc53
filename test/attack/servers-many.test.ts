// Issue 14 item 2: every tmux server of the user, at once. Under a private TMUX_TMPDIR (so the test
// never sees or touches the user's default socket): two private servers that both have a session
// `$0` — a personal one on the first, an orphan agent session on the second — and a stale socket no
// server answers on. With no -L/-S, --snapshot lists all of them with their labels (the stale one as
// stale, never an error), and --reap kills the orphan on the second server only: the same id on the
// first server is never confused with it, and no tmux server is signalled.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { alive, ProcessPool } from '../helpers/world.js';
import { orchTop } from './attack-world.js';

const pool = new ProcessPool();
let dir: string;
let tmuxDir: string;
const uid = process.getuid?.() ?? 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-servers-'));
  // This file's own tmux directory: the fixtures' tmux calls and orch-top both read TMUX_TMPDIR.
  process.env.TMUX_TMPDIR = join(dir, 'tmux');
  tmuxDir = join(dir, 'tmux', `tmux-${uid}`);
  mkdirSync(tmuxDir, { recursive: true, mode: 0o700 });
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A socket file nobody listens on: what a server that died without cleaning up leaves. */
function staleSocket(name: string): void {
  execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(tmuxDir, name)]);
}

const run = (args: string[]) => orchTop(dir, args, { TMUX_TMPDIR: process.env.TMUX_TMPDIR });

function world() {
  const a = pool.tmuxServer('srvA');
  const b = pool.tmuxServer('srvB');
  const personal = a.newSession('personal', 'sleep 600');
  const orphan = b.newSession('claude-agent-left', 'sleep 600');
  const stale = `orchtop-test-stale-${process.pid}`;
  staleSocket(stale);
  pool.atTeardown(() => rmSync(join(tmuxDir, stale), { force: true }));
  return { a, b, personal, orphan, stale };
}

describe('every server of the user', () => {
  it('--snapshot lists every server with its label, the stale one as stale, never an error', async () => {
    const w = world();
    expect([w.personal, w.orphan]).toEqual(['$0', '$0']); // the same id on two servers
    const r = await run(['--snapshot', '--json']);
    expect(r.exitCode).toBe(1); // an orphan: a finding, not an error
    const doc = JSON.parse(r.stdout) as Snapshot;
    const by = new Map(doc.tmux.map((t) => [t.socket, t]));
    expect([...by.keys()]).toEqual(
      ['default', `-L ${w.a.socketName}`, `-L ${w.b.socketName}`, `-L ${w.stale}`].sort((x, y) =>
        x === 'default' ? -1 : y === 'default' ? 1 : x.localeCompare(y),
      ),
    );
    expect(by.get('default')).toMatchObject({ running: false, stale: false, error: null });
    expect(by.get(`-L ${w.a.socketName}`)).toMatchObject({ running: true, stale: false, error: null, serverPid: w.a.serverPid(), otherSessions: 1 });
    expect(by.get(`-L ${w.b.socketName}`)).toMatchObject({ running: true, stale: false, error: null, serverPid: w.b.serverPid(), otherSessions: 0 });
    expect(by.get(`-L ${w.stale}`)).toMatchObject({ running: false, stale: true, error: null });
    expect(doc.sessions.map((s) => [s.id, s.name, s.server, s.status])).toEqual([['$0', 'claude-agent-left', `-L ${w.b.socketName}`, 'orphan']]);
    expect(doc.errors).toEqual([]);

    const text = await run(['--snapshot']);
    expect(text.stdout).toContain(`tmux -L ${w.a.socketName} (server pid ${w.a.serverPid()}; 0 agent sessions, 1 other)`);
    expect(text.stdout).toContain(`tmux -L ${w.b.socketName} (server pid ${w.b.serverPid()}; 1 agent session, 0 other)`);
    expect(text.stdout).toContain(`tmux -L ${w.stale}: stale socket, no server answers`);
    expect(text.stdout).toMatch(/SERVER/);
  });

  it('--reap kills the orphan on the second server and nothing on the others', async () => {
    const w = world();
    const aPid = w.a.serverPid()!;
    const bPid = w.b.serverPid()!;
    const personalPane = w.a.panePid('=personal:');
    const orphanPane = w.b.panePid('=claude-agent-left:');
    const dry = await run(['--reap', '--dry-run', '--json']);
    const plan = (JSON.parse(dry.stdout) as { plan: { kind: string; session?: { id: string }; server?: { socket: string; serverPid: number } }[] }).plan;
    expect(plan.map((s) => [s.kind, s.session?.id, s.server?.socket, s.server?.serverPid])).toEqual([['session', '$0', `-L ${w.b.socketName}`, bPid]]);
    const r = await run(['--reap', '--grace', '1']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`session $0 claude-agent-left on tmux -L ${w.b.socketName}`);
    expect(w.b.sessions()).toEqual([]);
    expect(alive(orphanPane)).toBe(false);
    // The first server's $0 and everything of it are untouched; no server was signalled.
    expect(w.a.sessions()).toEqual(['personal']);
    expect(alive(personalPane)).toBe(true);
    expect(w.a.serverPid()).toBe(aPid);
    expect(alive(aPid)).toBe(true);
  });

  it('-L narrows the look to one server, as before', async () => {
    const w = world();
    const doc = JSON.parse((await run(['-L', w.a.socketName, '--snapshot', '--json'])).stdout) as Snapshot;
    expect(doc.tmux.map((t) => t.socket)).toEqual([`-L ${w.a.socketName}`]);
    expect(doc.sessions).toEqual([]);
    // A narrowed look at the stale socket is no error either: nothing answers there.
    const st = await run(['-L', w.stale, '--snapshot', '--json']);
    expect((JSON.parse(st.stdout) as Snapshot).tmux[0]).toMatchObject({ running: false, stale: true, error: null });
  });
});
