// The tmux collector on real private servers (never the default socket).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { listPanes, parsePaneLines, PANE_FORMAT } from '../../src/collectors/tmux.js';
import { describeServer, socketArgs } from '../../src/collectors/tmux-exec.js';
import { ProcessPool, procState, waitFor } from '../helpers/world.js';

const pool = new ProcessPool();
afterEach(() => pool.teardown());

describe('listPanes', () => {
  it('lists every pane of every session in one call, matching tmux itself', async () => {
    const s = pool.tmuxServer('panes');
    s.newSession('claude-agent-a', 'sleep 600');
    s.tmux('split-window', '-t', '=claude-agent-a:', 'sleep 600');
    s.tmux('new-window', '-t', '=claude-agent-a:', 'sleep 600');
    s.newSession('scratch', 'sleep 600');
    const st = await listPanes({ socketName: s.socketName });
    expect(st).toMatchObject({ available: true, running: true, error: null });
    expect(st.serverPid).toBe(s.serverPid());
    expect(st.socketPath).toBe(`/tmp/tmux-${process.getuid!()}/${s.socketName}`);
    const tmuxLines = s.tmux('list-panes', '-a', '-F', '#{session_name} #{pane_id} #{pane_pid}').trim().split('\n').sort();
    expect(st.panes.map((p) => `${p.sessionName} ${p.paneId} ${p.panePid}`).sort()).toEqual(tmuxLines);
    expect(new Set(st.panes.map((p) => p.sessionName))).toEqual(new Set(s.sessions()));
    for (const p of st.panes) {
      const stat = readFileSync(`/proc/${p.panePid}/stat`, 'utf8');
      expect(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]).toBe(String(st.serverPid)); // its parent is the server
      expect(p.sessionId).toMatch(/^\$\d+$/);
      expect(p.windowId).toMatch(/^@\d+$/);
      expect(p.paneDead).toBe(false);
      expect(p.sessionCreated).toBeGreaterThan(Date.now() / 1000 - 60);
    }
    expect(st.panes.filter((p) => p.sessionName === 'claude-agent-a')).toHaveLength(3);
  });

  it('reports a dead pane (remain-on-exit) with its exit status', async () => {
    const s = pool.tmuxServer('dead');
    s.newSession('keep', 'sleep 600');
    s.tmux('set-option', '-g', 'remain-on-exit', 'on');
    s.newSession('claude-agent-dead', 'sh -c "sleep 0.3; exit 3"');
    // tmux learns the status when it reaps the pane's process. Under load tmux 3.3a sometimes loses the
    // SIGCHLD and leaves that process a zombie of the server, with no status, until the next SIGCHLD
    // (seen in about half the runs beside a full test run): the nudge orch-top's executor gives it.
    const st = await waitFor(
      async () => {
        const r = await listPanes({ socketName: s.socketName });
        const p = r.panes.find((x) => x.sessionName === 'claude-agent-dead');
        if (p?.paneDead && p.paneDeadStatus === null && procState(p.panePid) === 'Z') process.kill(r.serverPid!, 'SIGCHLD');
        return p?.paneDead && p.paneDeadStatus !== null ? r : null;
      },
      15_000,
      'the pane to die and its status to be known',
    );
    expect(st.panes.find((p) => p.sessionName === 'claude-agent-dead')).toMatchObject({ paneDead: true, paneDeadStatus: 3 });
  });

  it('keeps odd session names apart (spaces, #, quotes, unicode); tmux replaces . and :', async () => {
    const s = pool.tmuxServer('names');
    const names = ['with space', 'hash#1', 'quote"d', 'ünï-çødé', 'a.b:c'];
    for (const n of names) s.newSession(n, 'sleep 600');
    const st = await listPanes({ socketName: s.socketName });
    expect(st.panes.map((p) => p.sessionName).sort()).toEqual(['a_b_c', 'hash#1', 'quote"d', 'with space', 'ünï-çødé'].sort());
  });

  it('an empty socket is "no server", not an error', async () => {
    const st = await listPanes({ socketName: `orchtop-test-nothing-${process.pid}` });
    expect(st).toEqual({
      server: { socketName: `orchtop-test-nothing-${process.pid}` },
      label: `-L orchtop-test-nothing-${process.pid}`,
      available: true,
      running: false,
      stale: false,
      socketPath: null,
      serverPid: null,
      socketUid: null,
      error: null,
      panes: [],
    });
  });

  it('a missing tmux binary is a plain sentence, not a crash', async () => {
    const st = await listPanes({ socketName: 'x' }, { tmuxBin: '/nonexistent/tmux' });
    expect(st.available).toBe(false);
    expect(st.error).toMatch(/tmux not found or not runnable/);
  });

  it('works with -S socket paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchtop-sock-'));
    const path = join(dir, 'sock');
    try {
      execFileSync('tmux', ['-S', path, 'new-session', '-d', '-s', 'claude-agent-s', 'sleep 600'], { env: { ...process.env, TMUX: '' } });
      const st = await listPanes({ socketPath: path });
      expect(st.running).toBe(true);
      expect(st.socketPath).toBe(path);
      expect(st.panes.map((p) => p.sessionName)).toEqual(['claude-agent-s']);
    } finally {
      try {
        execFileSync('tmux', ['-S', path, 'kill-server'], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents why targets must be exact: tmux falls back to a prefix match', () => {
    const s = pool.tmuxServer('prefix');
    s.newSession('claude-agent-10', 'sleep 600');
    // claude-agent-1 does not exist, yet tmux finds "it":
    expect(() => s.tmux('has-session', '-t', 'claude-agent-1')).not.toThrow();
    expect(() => s.tmux('has-session', '-t', '=claude-agent-1')).toThrow();
  });
});

describe('parsePaneLines', () => {
  it('drops and counts lines that do not fit the format, each shown inert', () => {
    const good = ['$1', 'n', '1700000000', '0', '@1', '0', '%1', '0', '123', '0', '', '99', '/tmp/s'].join('\u001f');
    const r = parsePaneLines(`garbage\u001b]0;x\u0007\n${good}\n${good.replace('$1', 'x')}\n`);
    expect(r.panes).toHaveLength(1);
    expect(r).toMatchObject({ serverPid: 99, socketPath: '/tmp/s', dropped: 2, firstBad: 'garbage\\e]0;x\\a' });
    expect(PANE_FORMAT.split('\u001f')).toHaveLength(13);
    expect(PANE_FORMAT).not.toContain('pane_current_command');
  });
  it('names servers as tmux takes them', () => {
    expect(socketArgs({ socketName: 'a' })).toEqual(['-L', 'a']);
    expect(socketArgs({ socketPath: '/p', socketName: 'a' })).toEqual(['-S', '/p']);
    expect(socketArgs({})).toEqual([]);
    expect(describeServer({})).toBe('default');
  });
});
