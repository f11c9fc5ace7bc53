// Rule 8, the console: q and SIGTERM end it while its collector is stuck on a tmux that never lets go
// of its pipe (a fake tmux whose child holds stdout and sleeps; every call hangs). The terminal is
// restored, the exit status is the usual one, and no process of the hanging tmux is left. (Before,
// the worker waited for that pipe's EOF for ever and quitting waited for the worker.)
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { processes, Terminal } from '../helpers/terminal.js';
import { alive, ProcessPool, waitFor } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
const MARK = `600.${process.pid}2`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-hangui-'));
  writeFileSync(join(dir, 'tmux'), `#!/bin/sh\nsleep ${MARK} &\nwait\n`);
  chmodSync(join(dir, 'tmux'), 0o755);
});
afterEach(async () => {
  await pool.teardown();
  for (const p of processes().filter((x) => x.args.includes(MARK))) process.kill(p.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const hanging = () => processes().filter((p) => p.args.includes(MARK));

function startConsole(): Terminal {
  return new Terminal(pool, {
    width: 120,
    height: 40,
    cwd: dir,
    env: { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), ORCH_TOP_TMUX: join(dir, 'tmux') },
    args: ['-L', `orchtop-test-hangui-${process.pid}`, '--interval', '250ms'],
  });
}

it.each([
  ['q', 0],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('%s while tmux hangs: exit %i, the terminal restored, no child left', async (how, status) => {
  const t = startConsole();
  const orchTop = await t.pid();
  await t.until(/orch-top/, 'the console');
  // The collector is inside a hanging tmux call now.
  await waitFor(() => hanging().length > 0 || null, 10_000, 'the hanging tmux to run');
  if (how === 'q') t.press('q');
  else process.kill(orchTop, how);
  expect(await t.exitStatus(10_000)).toBe(status);
  expect(t.mode()).toEqual({ alternateScreen: false, cursorVisible: true });
  expect((await t.ttyModes()).sort()).toEqual(['echo', 'icanon', 'isig']);
  expect(alive(orchTop)).toBe(false);
  expect(hanging()).toEqual([]);
});
