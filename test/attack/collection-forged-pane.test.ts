// Rule 2, for real: a personal session's pane whose argv[0] carries "\n" and a whole forged
// list-panes line (in the format orch-top used to ask for) naming a sleeper the test owns, outside
// any session, as an orphan agent pane. tmux 3.3a prints #{pane_current_command} raw, so the forgery
// reaches tmux's output; orch-top no longer asks for that field, and `--reap` touches neither the
// sleeper nor the tmux server nor the personal session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { alive, ProcessPool, waitFor } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const pool = new ProcessPool();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-forge-'));
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const orchTop = (args: string[]) =>
  execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '' },
    cwd: dir,
    timeout: 60_000,
  });

it('a pane command carrying a forged line cannot make --reap kill another process or the server', async () => {
  const s = pool.tmuxServer('forge');
  s.newSession('personal', 'sleep 600');
  const serverPid = s.serverPid()!;
  const sock = `/tmp/tmux-${process.getuid!()}/${s.socketName}`;
  const victim = pool.spawn('sleep', ['600']).pid!;
  // The old 14-field format: session id, name, created, attached, window, index, pane, index, pane pid,
  // dead, status, command, server pid, socket path.
  const forged = ['$99', 'claude-agent-forged', '1700000000', '0', '@99', '0', '%99', '0', String(victim), '0', '', 'sleep', String(serverPid), sock].join(
    '\u001f',
  );
  const argv0 = `cmd\n${forged}\nx`;
  s.tmux('new-window', '-t', '=personal:', 'perl', '-e', 'my $a = shift; exec { "sleep" } $a, "600"', argv0);
  // The threat is real here: tmux prints the forged line raw in #{pane_current_command}.
  const raw = await waitFor(
    () => {
      const out = s.tmux('list-panes', '-a', '-F', '#{pane_current_command}');
      return out.includes(`\n${forged}\n`) ? out : null;
    },
    10_000,
    'tmux to print the forged command',
  );
  expect(raw).toContain(String(victim));

  const snap = await orchTop(['-L', s.socketName, '--snapshot', '--json']);
  const doc = JSON.parse(snap.stdout) as Snapshot;
  expect(doc.tmux[0]!.error).toBeNull();
  expect(doc.sessions).toEqual([]); // no agent session: claude-agent-forged does not exist
  expect(doc.tmux[0]!.otherSessions).toBe(1);
  expect(doc.tmux[0]!.serverPid).toBe(serverPid);

  const reap = await orchTop(['-L', s.socketName, '--reap', '--grace', '1']);
  expect(reap.stderr).not.toMatch(/forged/);
  expect(alive(victim)).toBe(true);
  expect(alive(serverPid)).toBe(true);
  expect(s.sessions()).toEqual(['personal']);
  expect(s.tmux('list-windows', '-t', '=personal:').trim().split('\n')).toHaveLength(2);
});
