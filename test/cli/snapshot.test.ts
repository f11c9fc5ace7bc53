// The whole program, as a user runs it: `orch-top --snapshot` against a real private tmux server
// holding orphan agent sessions, a zombie maker and a personal session; cross-checked with tmux, ps
// and /proc read at the same moment.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { ProcessPool, ZOMBIE_MAKER_PERL, childrenOf, procState, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const pool = new ProcessPool();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-snap-'));
  writeFileSync(join(dir, 'zombies.pl'), ZOMBIE_MAKER_PERL);
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function orchTop(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', XDG_CONFIG_HOME: dir, CLAUDE_ORCHESTRATOR_WORKSPACE: '', ...env },
    cwd: dir,
    timeout: 20_000,
  });
}

/** A server with three orphan agent sessions (one a zombie maker) and one personal session. */
async function messyServer(): Promise<{ server: TmuxServerFixture; zombieParent: number; zombies: number[] }> {
  const server = pool.tmuxServer('snap');
  server.newSession('claude-agent-1', 'sleep 600');
  server.newSession('claude-agent-10', 'sh -c "sleep 600 & sleep 600; wait"');
  server.newSession('claude-agent-zombies', `exec perl ${join(dir, 'zombies.pl')} 3`);
  server.newSession('scratch', 'sleep 600');
  const zombieParent = server.panePid('=claude-agent-zombies:');
  const zombies = await waitFor(
    () => {
      const z = childrenOf(zombieParent).filter((c) => procState(c) === 'Z');
      return z.length === 3 ? z : null;
    },
    5000,
    'three zombies',
  );
  return { server, zombieParent, zombies };
}

describe('orch-top --snapshot', () => {
  it('lists exactly the agent sessions as orphans and the zombies with their parent, and exits 1', async () => {
    const { server, zombieParent, zombies } = await messyServer();
    const r = await orchTop(['--snapshot', '--json', '-L', server.socketName, '--orchestrator-match', 'no-such-orchestrator-xyz']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const snap = JSON.parse(r.stdout) as Snapshot;

    // Cross-check against tmux, ps and /proc taken now.
    const tmuxSessions = server.sessions();
    expect(tmuxSessions).toEqual(['claude-agent-1', 'claude-agent-10', 'claude-agent-zombies', 'scratch']);
    expect(snap.sessions.map((s) => s.name)).toEqual(['claude-agent-1', 'claude-agent-10', 'claude-agent-zombies']);
    expect(snap.tmux).toHaveLength(1);
    expect(snap.tmux[0]).toMatchObject({ running: true, available: true, otherSessions: 1, socket: `-L ${server.socketName}` });
    expect(snap.tmux[0]!.serverPid).toBe(server.serverPid());
    for (const s of snap.sessions) {
      expect(s.status).toBe('orphan');
      expect(s.reasons).toEqual(['orchestrator-down', 'unknown-to-registry']);
    }
    const ids = server.tmux('list-sessions', '-F', '#{session_name} #{session_id}').trim().split('\n');
    for (const s of snap.sessions) expect(ids).toContain(`${s.name} ${s.id}`);

    const ps = execFileSync('ps', ['-eo', 'pid=,ppid=,stat='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(([pid, ppid, stat]) => ({ pid: Number(pid), ppid: Number(ppid), stat: stat! }));
    const two = snap.sessions.find((s) => s.name === 'claude-agent-10')!;
    const panePid = two.panes[0]!.pid;
    expect(panePid).toBe(server.panePid('=claude-agent-10:'));
    const psKids = ps.filter((p) => p.ppid === panePid).map((p) => p.pid);
    expect(two.processes).toEqual([panePid, ...psKids].sort((a, b) => a - b));

    const ours = snap.zombies.filter((z) => z.parentInScope);
    expect(ours.map((z) => z.pid).sort()).toEqual([...zombies].sort());
    for (const z of ours) {
      expect(z.ppid).toBe(zombieParent);
      expect(z.parentCommand).toContain('zombies.pl');
      expect(ps.find((p) => p.pid === z.pid)?.stat).toMatch(/^Z/);
    }
    expect(snap.summary).toMatchObject({ sessions: 3, orphans: 3, zombies: 3, leaked: 0, ghosts: 0 });

    // Descriptor counts agree with /proc for processes that do not change.
    const sleeper = snap.sessions.find((s) => s.name === 'claude-agent-1')!.panes[0]!.pid;
    const fd = snap.fds.find((f) => f.pid === sleeper)!;
    expect(fd.count).toBe(readdirSync(`/proc/${sleeper}/fd`).length);
  });

  it('prints aligned tables naming the orphans and their reasons', async () => {
    const { server } = await messyServer();
    const r = await orchTop(['--snapshot', '-L', server.socketName, '--orchestrator-match', 'no-such-orchestrator-xyz']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/AGENT SESSIONS \(3\)/);
    expect(r.stdout).toMatch(/claude-agent-zombies\s+orphan/);
    expect(r.stdout).toContain('orchestrator not running; not in any registry');
    expect(r.stdout).toMatch(/ZOMBIES \(3\)/);
    expect(r.stdout).not.toMatch(/scratch/);
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toMatch(/SUMMARY 3 agent sessions, 3 orphans, 0 leaked processes, 3 zombies/);
  });

  it('exits 0 when there is nothing to find', async () => {
    const server = pool.tmuxServer('clean');
    server.newSession('scratch', 'sleep 600');
    const r = await orchTop(['--snapshot', '--json', '-L', server.socketName]);
    expect(r.exitCode).toBe(0);
    const snap = JSON.parse(r.stdout) as Snapshot;
    expect(snap.summary.findings).toBe(0);
    expect(snap.tmux[0]!.otherSessions).toBe(1);
  });

  it('an empty socket is no server, not an error', async () => {
    const r = await orchTop(['--snapshot', '--json', '-L', `orchtop-test-none-${process.pid}`]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).tmux).toMatchObject([{ running: false, stale: false, error: null }]);
  });

  it('tmux missing is reported plainly and exits 2, with the rest of the report', async () => {
    const r = await orchTop(['--snapshot', '-L', 'whatever'], { ORCH_TOP_TMUX: '/nonexistent/tmux' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^orch-top: tmux not found/);
    expect(r.stdout).toMatch(/tmux unavailable/);
  });

  it.each([
    [['--snapshot', '--bogus'], /unknown option --bogus/],
    [['--snapshot', '--interval', 'x'], /--interval: 'x' is not a duration/],
    [['--snapshot', '--config', 'missing.json'], /not found/],
  ])('%j: one line on stderr, exit 2, nothing on stdout', async (args, msg) => {
    const r = await orchTop(args as string[]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });

  it('without a terminal, the console says to use --snapshot and exits 2', async () => {
    const r = await orchTop([]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/use --snapshot/);
  });

  it('--help and --version', async () => {
    const h = await orchTop(['--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toMatch(/--snapshot/);
    const v = await orchTop(['--version']);
    expect(v.stdout).toMatch(/^orch-top \d+\.\d+\.\d+/);
  });
});

describe('finding nothing', () => {
  it('says what it looked at and how to point it at an orchestrator, on stderr; the JSON stays exact; exit 0', async () => {
    const home = mkdtempSync(join(tmpdir(), 'orchtop-nothing-'));
    try {
      const socket = `orchtop-test-nothing-${process.pid}`;
      const r = await orchTop(['--snapshot', '-L', socket], { HOME: home });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toContain('Nothing to watch was found. Looked at:');
      expect(r.stderr).toContain(`tmux -L ${socket}: no server running`);
      expect(r.stderr).toContain(`the orchestrator's index of projects ${join(home, '.claude-orchestrator', 'global_registry.sqlite3')}: not there`);
      expect(r.stderr).toContain(`this directory ${join(dir, '.agent-workspace')}: not there`);
      for (const flag of ['--workspace DIR', '-L NAME / -S PATH', '--prefix PREFIX', '--orchestrator-pid PID']) expect(r.stderr).toContain(flag);
      const j = await orchTop(['--snapshot', '--json', '-L', socket], { HOME: home });
      expect(j.exitCode).toBe(0);
      expect(JSON.parse(j.stdout).summary.sessions).toBe(0);
      // --help names the same default places
      const h = await orchTop(['--help']);
      for (const place of ['global_registry.sqlite3', '$CLAUDE_ORCHESTRATOR_WORKSPACE', '~/.claude-orchestrator/workspaces', './.agent-workspace'])
        expect(h.stdout).toContain(place);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
