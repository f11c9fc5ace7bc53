// The newcomer's first command in a real terminal: tmux runs `orch-top --demo`, capture-pane reads
// the console, send-keys types `q`; orch-top exits 0, gives the terminal back, and the demo it started
// (a private tmux server, an orchestrator, misbehaving agents, workspaces) is gone afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Terminal, processes } from '../helpers/terminal.js';
import { ProcessPool, alive, waitFor } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-live-'));
});
afterEach(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** A process's environment as one string ('' when gone or unreadable). */
function environ(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return '';
  }
}

describe('orch-top --demo in a terminal', () => {
  it('shows the findings live and quits cleanly on q, leaving nothing', async () => {
    const t = new Terminal(pool, {
      width: 140,
      height: 45,
      cwd: dir,
      args: ['--demo'],
      env: { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config') },
    });
    const orchTop = await t.pid();
    const shown = await t.until(/8 agent sessions \(\+1 other\) · 5 orphans · 1 leaked · 3 zombies · 2 ghosts/, 'the console on the demo', 25_000);
    expect(shown).toMatch(/^orch-top demo {2}orchestrator pid \d+ up/);
    const [, demoSocket, demoServer] = /tmux -L (orch-top-demo-\S+) pid (\d+)/.exec(shown)!;
    pool.adoptTmuxServer(demoSocket!); // should the test fail before orch-top tears it down
    const orchestrator = Number(/orchestrator pid (\d+) up/.exec(shown)![1]);
    expect(shown).toMatch(/claude-agent-stray\s+orphan\s+not in any registry/);
    expect(shown).not.toMatch(/^ scratch\s/m); // the personal session is no agent session
    expect(alive(orchestrator) && alive(Number(demoServer))).toBe(true);

    t.press('q');
    expect(await t.exitStatus(20_000)).toBe(0);
    expect(t.mode()).toEqual({ alternateScreen: false, cursorVisible: true });
    expect((await t.ttyModes()).sort()).toEqual(['echo', 'icanon', 'isig']);
    const after = t.server.tmux('capture-pane', '-p', '-J', '-t', '=ui:');
    expect(after).toMatch(/demo: stopped, nothing left\nEXIT=0$/m);
    const workspaces = /demo: stopping \(tmux -L \S+, workspaces (\S+) (\S+)\)/.exec(after)!.slice(1);

    // Nothing of the demo is left: its tmux server, its orchestrator, any process of its panes, its files.
    expect(() => execFileSync('tmux', ['-L', demoSocket!, 'list-sessions'], { stdio: 'ignore', env: { ...process.env, TMUX: '' } })).toThrow();
    await waitFor(
      () => !alive(orchTop) && !alive(orchestrator) && !alive(Number(demoServer)),
      5_000,
      'orch-top, the demo orchestrator and the demo tmux server to be gone',
    );
    const left = processes().filter(
      (p) =>
        p.pid !== t.shell && (environ(p.pid).includes(demoSocket!) || p.args.some((a) => a.includes(demoSocket!) || workspaces.some((w) => a.includes(w)))),
    );
    expect(left.map((p) => `pid ${p.pid} ${p.args.join(' ')}`)).toEqual([]);
    for (const w of workspaces) expect(existsSync(w), w).toBe(false);
  });
});
