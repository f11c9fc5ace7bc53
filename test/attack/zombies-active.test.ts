// Rule 6 (issue 12): zombies never cost an active agent. An active agent session whose pane process
// holds zombies: --reap sends SIGCHLD, reports them, and leaves the pane process alive (exit 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProcessPool, ZOMBIE_MAKER_PERL, alive, childrenOf, procState, waitFor } from '../helpers/world.js';
import { orchTop, writeWorkspace } from './attack-world.js';

const pool = new ProcessPool();
const dir = mkdtempSync(join(tmpdir(), 'orchtop-attack-z-'));
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zombies inside an active agent session', () => {
  it('--reap nudges the parent and reports, the pane process lives, exit 1 with the reason', async () => {
    writeFileSync(join(dir, 'zombies.pl'), ZOMBIE_MAKER_PERL);
    const ws = writeWorkspace(join(dir, 'ws'), [{ id: 'z1', session: 'agent_z1', status: 'running' }]);
    const orch = pool.spawn('sleep', ['600']).pid!;
    const server = pool.tmuxServer('zact');
    server.newSession('agent_z1', `exec perl ${join(dir, 'zombies.pl')} 2`);
    const parent = server.panePid('=agent_z1:');
    const zombies = await waitFor(
      () => {
        const z = childrenOf(parent).filter((c) => procState(c) === 'Z');
        return z.length === 2 ? z : null;
      },
      5000,
      'two zombies',
    );
    const r = await orchTop(dir, ['--reap', '--grace', '1s', '-L', server.socketName, '--workspace', ws, '--orchestrator-pid', String(orch)]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('its parent is in active session');
    expect(r.stdout).toContain('SIGCHLD only, reported');
    expect(alive(parent)).toBe(true);
    expect(server.sessions()).toEqual(['agent_z1']);
    for (const z of zombies) expect(procState(z)).toBe('Z');
  });
});
