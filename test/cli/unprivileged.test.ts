// orch-top run by an unprivileged user (setpriv to nobody): another user's descriptors are "n/a",
// another user's tmux socket is reported as refused, and nothing crashes.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { ProcessPool } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const canDrop = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
const pool = new ProcessPool();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-nobody-'));
  chmodSync(dir, 0o777);
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asNobody = (args: string[]) =>
  execa('setpriv', ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', 'env', `HOME=${dir}`, 'NO_COLOR=1', process.execPath, BIN, ...args], {
    reject: false,
    timeout: 20_000,
  });

describe.skipIf(!canDrop)('as an unprivileged user', () => {
  it("another user's orchestrator is watched, its descriptors are n/a, and nothing crashes", async () => {
    const root = pool.spawn('sleep', ['600']);
    const r = await asNobody(['--snapshot', '--json', '-S', join(dir, 'no-server'), '--orchestrator-pid', String(root.pid)]);
    expect(r.exitCode).toBe(0);
    const snap = JSON.parse(r.stdout) as Snapshot;
    expect(snap.orchestrator).toMatchObject({ pid: root.pid, running: true, fds: null, fdKinds: null });
    expect(snap.tmux[0]).toMatchObject({ running: false, error: null });
  });

  it("another user's tmux socket is reported as refused (exit 2), not as 'no server'", async () => {
    const server = pool.tmuxServer('perm');
    server.newSession('claude-agent-x', 'sleep 600');
    const sock = `/tmp/tmux-0/${server.socketName}`;
    const r = await asNobody(['--snapshot', '-S', sock]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Permission denied/);
    expect(r.stdout).toMatch(/PROBLEMS/);
  });
});
