// Rule 3 (issue 12): a pid alone is never evidence. orch-top remembers an agent pane (its pid is the
// pane's session id); the session goes; another job then gets that very pid, forced here through
// /proc/sys/kernel/ns_last_pid, starts a session whose id is the remembered pane's pid, leaves a
// daemon in it and exits — just what a SIGHUP-proof leftover of the pane would look like (a session
// id that was an agent pane's pid, its leader gone). It started after the last look that saw the pane
// alive, so it is not the pane's leftover: --reap leaves it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProcessPool, alive, waitFor } from '../helpers/world.js';
import { orchTop, writeWorkspace } from './attack-world.js';

const NS_LAST_PID = '/proc/sys/kernel/ns_last_pid';
const canForce = process.getuid?.() === 0 && existsSync(NS_LAST_PID);
if (!canForce) console.log('skipped: forcing pid reuse writes /proc/sys/kernel/ns_last_pid, which needs root');

const pool = new ProcessPool();
const dir = mkdtempSync(join(tmpdir(), 'orchtop-attack-reuse-'));
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A job whose session leader got exactly `pid` (setsid), that leaves a daemon in that session and
 * exits; returns the daemon's pid, or null when other forks kept taking `pid`.
 */
async function daemonInSessionOf(pid: number): Promise<number | null> {
  for (let i = 0; i < 50; i++) {
    writeFileSync(NS_LAST_PID, String(pid - 1));
    const cp = spawn('setsid', ['sh', '-c', 'sleep 600 </dev/null >/dev/null 2>&1 & echo $!'], {
      env: { ...process.env, TMUX: '', TMUX_PANE: '' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    cp.stdout.on('data', (d) => (out += d));
    await new Promise((r) => cp.on('exit', r));
    const daemon = Number(out.trim());
    if (daemon > 0) pool.track(daemon);
    if (cp.pid === pid && daemon > 0) return daemon;
    if (daemon > 0) process.kill(daemon, 'SIGKILL');
  }
  return null;
}

describe('evidence that survives pid reuse', () => {
  it.skipIf(!canForce)("another job that gets a remembered agent pane's pid is not killed as its leak", async () => {
    const id = `worker-${process.pid}-reuse`;
    const session = `agent_${id}`;
    const ws = writeWorkspace(join(dir, 'ws'), [{ id, session, status: 'running' }]);
    const orch = pool.orchestrator('real_mcp_server').pid!;
    const server = pool.tmuxServer('reuse');
    server.newSession('keep', 'sleep 600'); // the server outlives the agent's session, as it does
    const sid = server.newSession(session, 'sleep 600');
    const panePid = server.panePid(sid);
    const args = ['--grace', '1s', '-L', server.socketName, '--workspace', ws, '--orchestrator-pid', String(orch)];

    // A look that remembers the pane (an active agent: nothing to do, the pane memory written).
    const first = await orchTop(dir, ['--reap', '--json', ...args]);
    expect(first.exitCode, first.stderr).toBe(0);
    const memory = readFileSync(join(dir, 'state', 'orch-top', 'panes.json'), 'utf8');
    expect(memory).toContain(String(panePid));

    // The agent's session goes, its pane process with it; the pid is free again.
    server.tmux('kill-session', '-t', sid);
    await waitFor(() => (alive(panePid) ? null : true), 5000, 'the pane process to go');

    const intruder = await daemonInSessionOf(panePid);
    if (intruder === null) {
      console.log(`skipped: pid ${panePid} kept being taken by other forks`);
      return;
    }
    expect(readFileSync(`/proc/${intruder}/stat`, 'utf8').split(') ')[1]!.split(' ')[3]).toBe(String(panePid)); // its session id: the old pane pid
    expect(alive(panePid)).toBe(false); // and that session's leader is gone

    const r = await orchTop(dir, ['--reap', '--json', ...args]);
    const doc = JSON.parse(r.stdout) as { leaked: { pid: number }[]; plan: { kind: string; processes?: { pid: number }[] }[] };
    expect(alive(intruder), JSON.stringify({ leaked: doc.leaked, plan: doc.plan }, null, 1) + r.stderr).toBe(true);
    expect(doc.leaked.map((l) => l.pid)).not.toContain(intruder);
    expect(doc.plan.flatMap((s) => s.processes ?? []).map((p) => p.pid)).not.toContain(intruder);
  });
});
