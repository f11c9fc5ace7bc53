// The newcomer's first command in a real terminal: tmux runs `orch-top --demo`, capture-pane reads
// the screen, send-keys types `q`; the demo must be gone afterwards.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessPool, waitFor } from './helpers/world.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'orch-top.js');
const pool = new ProcessPool();
afterEach(() => pool.teardown());

describe('orch-top --demo in a terminal', () => {
  it('shows the findings live and quits cleanly on q, leaving nothing', async () => {
    const term = pool.tmuxServer('live');
    term.newSession('ui', `node ${BIN} --demo; echo EXIT=$?; sleep 600`, { width: 140, height: 45 });
    const screen = () => term.tmux('capture-pane', '-p', '-t', '=ui:');
    const shown = await waitFor(() => (/8 agent sessions, 5 orphans/.test(screen()) ? screen() : null), 20_000, 'the live view');
    expect(shown).toMatch(/5 orphans, 1 leaked process, 3 zombies, 2 ghosts/);
    const demoSocket = /tmux -L (orch-top-demo-\S+)/.exec(shown)![1]!;
    term.tmux('send-keys', '-t', '=ui:', 'q');
    const after = await waitFor(() => (/EXIT=\d+/.test(screen()) ? screen() : null), 15_000, 'orch-top to exit');
    expect(after).toMatch(/EXIT=1/); // findings remained when it quit
    expect(after).toMatch(/demo: stopped, nothing left/);
    expect(() => execFileSync('tmux', ['-L', demoSocket, 'list-sessions'], { stdio: 'ignore', env: { ...process.env, TMUX: '' } })).toThrow();
  });
});
