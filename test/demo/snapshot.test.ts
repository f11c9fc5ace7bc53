// The acceptance check: `orch-top --demo --snapshot --json` reports every finding kind with
// the right counts, exits 1, and leaves nothing of the sandbox behind.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { waitFor } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');

describe('orch-top --demo --snapshot --json', () => {
  it('reports every finding kind, exits 1, and tears the sandbox down', async () => {
    const r = await execa('node', [BIN, '--demo', '--snapshot', '--json'], { reject: false, env: { NO_COLOR: '1' }, timeout: 30_000 });
    expect(r.exitCode).toBe(1);
    const snap = JSON.parse(r.stdout) as Snapshot;
    expect(snap.summary).toMatchObject({ sessions: 8, orphans: 5, zombies: 3, leaked: 1, ghosts: 2, fdGrowth: 1, strays: 0 });
    expect(snap.tmux[0]!.otherSessions).toBe(1);
    expect(snap.orchestrator).toMatchObject({ running: true, how: 'pid' });

    const orphanReasons = snap.sessions
      .filter((s) => s.status === 'orphan')
      .map((s) => s.reason)
      .sort();
    expect(orphanReasons).toEqual([
      'not in any registry',
      'orchestrator not running',
      'orchestrator not running; registry says phase_completed',
      'registry says completed',
      'registry says terminated',
    ]);
    // Two projects, two formats: the live orchestrator serves the JSON one only.
    expect(snap.workspaces.map((w) => w.how)).toEqual(['demo', 'demo']);
    expect(snap.orchestrators).toHaveLength(1);
    expect(snap.orchestrators[0]).toMatchObject({ placedBy: 'env', workspace: snap.workspaces[0]!.path });
    const sqliteSessions = snap.sessions.filter((s) => s.registrySource === 'sqlite');
    expect(sqliteSessions.map((s) => [s.registryStatus, s.status, s.project]).sort()).toEqual([
      ['phase_completed', 'orphan', 'checkout-service'],
      ['reviewing', 'orphan', 'checkout-service'],
    ]);
    expect(sqliteSessions.find((s) => s.registryStatus === 'reviewing')!.reasons).toEqual(['orchestrator-down']);
    expect(snap.ghosts.map((g) => [g.registryStatus, g.registrySource]).sort()).toEqual([
      ['blocked', 'sqlite'],
      ['running', 'json'],
    ]);
    // The HUP-ignoring shell's session holds the shell and both children.
    expect(snap.sessions.find((s) => s.agent?.registryStatus === 'terminated')!.processes).toHaveLength(3);
    expect(snap.zombies.filter((z) => z.parentInScope).every((z) => z.parentCommand?.startsWith('perl'))).toBe(true);
    expect(snap.leaked[0]!.command).toMatch(/--behaviour survivor/);
    expect(snap.leaked[0]!.agentId).toBeTruthy();
    const growing = snap.fds.filter((f) => f.growth);
    expect(growing[0]!.command).toMatch(/--behaviour fd-leaker/);
    expect(growing[0]!.samples).toBeGreaterThanOrEqual(5);

    // Nothing of it is left: no server on its socket, no process of its workspace.
    const socket = snap.tmux[0]!.socketPath!;
    expect(existsSync(socket)).toBe(false);
    await waitFor(() => !execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).includes(snap.workspaces[0]!.path), 5000, 'demo processes to go');
    expect(readdirSync('/tmp').filter((d) => snap.workspaces[0]!.path.endsWith(d))).toEqual([]);
    for (const w of snap.workspaces) expect(existsSync(w.path)).toBe(false);
    const zombieParents = new Set(snap.zombies.filter((z) => z.parentInScope).map((z) => z.pid));
    await waitFor(() => ![...zombieParents].some((pid) => existsSync(`/proc/${pid}`)), 5000, 'the demo zombies to be reaped');
  });

  it("keeps orch-top's state (pane memory, audit log) in the sandbox, never the user's", async () => {
    const home = mkdtempSync(join(tmpdir(), 'orchtop-demo-home-'));
    try {
      const r = await execa('node', [BIN, '--demo', '--snapshot', '--json', '--sample', '1s'], {
        reject: false,
        env: { NO_COLOR: '1', HOME: home, XDG_STATE_HOME: '' },
        extendEnv: true,
        timeout: 30_000,
      });
      expect(r.exitCode).toBe(1);
      const said = /state \(audit log, pane memory\): (\S+)/.exec(r.stderr)?.[1];
      expect(said).toMatch(/^\/.*orch-top-demo-.*\/orch-top$/);
      // Nothing under the user's state directory, and the sandbox's went with the sandbox.
      expect(existsSync(join(home, '.local', 'state'))).toBe(false);
      expect(existsSync(said!)).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
