// Agent managers end to end: claude-squad's state.json and agent-deck's state.db written in their own
// formats (test/fixtures/<manager>/) under a temporary HOME and XDG dirs, their sessions on tmux's
// "default" server of a private TMUX_TMPDIR (the only server these managers use), a personal session
// beside them, and --reap removing exactly the orphans: an unknown claudesquad_ session past the
// grace, an agent-deck session its state says `stopped`; never a known one, an `error` one, or a
// personal one. A session two managers claim is reported and left alone.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const FIX = join(import.meta.dirname, '..', 'fixtures');

let dir: string;
let home: string;
let tmuxDir: string;

const tmux = (...args: string[]) =>
  execFileSync('tmux', args, { encoding: 'utf8', env: { ...process.env, TMUX: '', TMUX_TMPDIR: tmuxDir }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
const newSession = (name: string) => tmux('new-session', '-d', '-s', name, 'sleep 600');
const sessions = () => tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean).sort();

function orchTop(args: string[]) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: {
      NO_COLOR: '1',
      HOME: home,
      TMUX_TMPDIR: tmuxDir,
      TMUX: '',
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_STATE_HOME: join(dir, 'state'),
      CLAUDE_ORCHESTRATOR_WORKSPACE: '',
    },
    cwd: dir,
    timeout: 30_000,
  });
}
const snapshotOf = async (args: string[] = []) => {
  const r = await orchTop(['--snapshot', '--json', '--orchestrator-match', `no_orchestrator_${process.pid}`, ...args]);
  return { r, snap: JSON.parse(r.stdout) as Snapshot };
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-managers-'));
  home = join(dir, 'home');
  tmuxDir = join(dir, 'tmux');
  mkdirSync(join(home, '.claude-squad'), { recursive: true });
  mkdirSync(tmuxDir, { recursive: true });
  copyFileSync(join(FIX, 'claude-squad', 'state.json'), join(home, '.claude-squad', 'state.json'));
  const profile = join(dir, 'data', 'agent-deck', 'profiles', 'default');
  mkdirSync(profile, { recursive: true });
  const db = new Database(join(profile, 'state.db'));
  db.exec(readFileSync(join(FIX, 'agent-deck', 'schema.sql'), 'utf8'));
  db.close();
});
afterEach(() => {
  try {
    tmux('kill-server');
  } catch {
    /* no server */
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('claude-squad and agent-deck as sources', () => {
  it('lists each one’s agents by its own naming and state, and --reap removes exactly the orphans', async () => {
    for (const s of [
      'claudesquad_fixauth_go',
      'claudesquad_pausedwork',
      'claudesquad_unsaved',
      'agentdeck_fix-auth_a1b2c3d4',
      'agentdeck_old-run_0badf00d',
      'agentdeck_banner_feedbeef',
      'notes',
    ])
      newSession(s);
    // Fresh: the grace keeps the unknown claudesquad_ session (claude-squad saves after a start).
    let { r, snap } = await snapshotOf();
    expect(r.stderr).toBe('');
    const by = () => new Map(snap.sessions.map((s) => [s.name, s]));
    expect(by().get('claudesquad_unsaved')).toMatchObject({ source: 'claude-squad', status: 'active' });
    ({ r, snap } = await snapshotOf(['--source-grace', '0s']));
    const m = by();
    expect([...m.keys()].sort()).toEqual(
      [
        'agentdeck_banner_feedbeef',
        'agentdeck_fix-auth_a1b2c3d4',
        'agentdeck_old-run_0badf00d',
        'claudesquad_fixauth_go',
        'claudesquad_pausedwork',
        'claudesquad_unsaved',
      ].sort(),
    );
    expect(m.get('claudesquad_fixauth_go')).toMatchObject({ source: 'claude-squad', status: 'active', registryStatus: 'ready', agentId: 'fix auth.go' });
    expect(m.get('claudesquad_pausedwork')).toMatchObject({ status: 'active', registryStatus: 'paused' });
    expect(m.get('claudesquad_unsaved')).toMatchObject({ status: 'orphan', reasons: ['unknown-to-registry'] });
    expect(m.get('agentdeck_fix-auth_a1b2c3d4')).toMatchObject({ source: 'agent-deck', status: 'active', registryStatus: 'waiting' });
    expect(m.get('agentdeck_old-run_0badf00d')).toMatchObject({ status: 'orphan', reasons: ['terminal-status'], registrySource: 'agent-deck' });
    expect(m.get('agentdeck_banner_feedbeef')).toMatchObject({ status: 'active', registryStatus: 'error' });
    expect(snap.tmux.reduce((n, t) => n + t.otherSessions, 0)).toBe(1);

    // --source narrows: agent-deck only sees none of claude-squad's.
    const only = await snapshotOf(['--source', 'agent-deck']);
    expect(only.snap.sessions.every((s) => s.source === 'agent-deck')).toBe(true);

    const reap = await orchTop(['--reap', '--source-grace', '0s', '--grace', '1s', '--orchestrator-match', `no_orchestrator_${process.pid}`]);
    expect(reap.stderr).toBe('');
    expect(sessions()).toEqual(
      ['agentdeck_banner_feedbeef', 'agentdeck_fix-auth_a1b2c3d4', 'claudesquad_fixauth_go', 'claudesquad_pausedwork', 'notes'].sort(),
    );
  });

  it('a session two managers claim is reported and never reaped', async () => {
    // agent-deck records a session under claude-squad's name: both claim it.
    const db = new Database(join(dir, 'data', 'agent-deck', 'profiles', 'default', 'state.db'));
    db.prepare("UPDATE instances SET tmux_session = 'claudesquad_fixauth_go' WHERE id = '7c0ffee1-1755870100'").run();
    db.close();
    newSession('claudesquad_fixauth_go');
    const { snap } = await snapshotOf();
    expect(snap.sessions[0]).toMatchObject({ status: 'contested', source: 'claude-squad', claimedBy: ['claude-squad', 'agent-deck'] });
    expect(snap.errors.some((e) => e.includes('claudesquad_fixauth_go') && e.includes('claimed by claude-squad and agent-deck'))).toBe(true);
    await orchTop(['--reap', '--grace', '1s', '--orchestrator-match', `no_orchestrator_${process.pid}`]);
    expect(sessions()).toEqual(['claudesquad_fixauth_go']);
  });

  it('bad --source: one line, exit 2', async () => {
    const r = await orchTop(['--snapshot', '--source', 'nope']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("--source: 'nope' is not a source");
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ sources: [] }));
    expect((await orchTop(['--snapshot', '--config', join(dir, 'c.json')])).exitCode).toBe(2);
  });
});
