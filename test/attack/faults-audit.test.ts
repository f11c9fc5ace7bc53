// Rule 9 (issue 12): faults in the middle of a plan. The audit log's disk fills after the first
// SIGTERM (a tiny tmpfs, filled by the test while the grace period runs): every target that got
// SIGTERM still gets its SIGKILL, the failure is one line on stderr with no stack trace, and the exit
// is non-zero. An audit log that cannot be written before anything starts: nothing touched, exit 2.
// SIGHUP during --reap cancels as SIGTERM does: logged in the audit log, exit 129.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProcessPool, alive, childrenOf, waitFor } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const pool = new ProcessPool();
let dir: string;
const mounts: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-faults-'));
});
afterEach(async () => {
  await pool.teardown();
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      /* not mounted */
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function orchTop(args: string[]) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '' },
    cwd: dir,
    timeout: 60_000,
  });
}

/** A small tmpfs, or why there cannot be one (not root, no mount permission). */
function tinyDisk(name: string, size = '256k'): string | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'needs root to mount a tmpfs' };
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at], { stdio: 'pipe' });
  } catch (e) {
    return { skip: `cannot mount a tmpfs here (${(e as Error).message.split('\n')[0]})` };
  }
  mounts.push(at);
  return at;
}

/** Writes until the disk says no more (big chunks, then smaller, down to a byte). */
function fill(path: string): void {
  const fd = openSync(path, 'a');
  try {
    for (const size of [65_536, 4_096, 256, 1])
      for (;;)
        try {
          writeSync(fd, Buffer.alloc(size, 0x78));
        } catch {
          break;
        }
  } finally {
    closeSync(fd);
  }
}

/** Orphan sessions (no registry, no orchestrator) whose processes ignore SIGTERM and SIGHUP. */
async function termIgnoringOrphans(n: number) {
  const server = pool.tmuxServer('faults');
  const pids: number[] = [];
  for (let i = 0; i < n; i++) {
    server.newSession(`claude-agent-stubborn-${i}`, `sh -c "trap '' TERM HUP; sleep 600 & wait"`);
    const shell = server.panePid(`=claude-agent-stubborn-${i}:`);
    const kid = await waitFor(() => childrenOf(shell)[0], 3_000, 'the sleeper');
    pids.push(shell, kid);
  }
  pids.forEach((p) => pool.track(p));
  return { server, pids };
}

const auditLines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as { event: string; signal?: string; by?: string; message?: string };
          } catch {
            return { event: 'partial' };
          }
        })
    : [];

describe('a full disk under the audit log in the middle of a plan', () => {
  it('does not abandon the escalation: every SIGTERMed target is SIGKILLed; one line, exit non-zero', async (t) => {
    const disk = tinyDisk('full');
    if (typeof disk !== 'string') {
      console.log(`skipped: ${disk.skip}`);
      return t.skip();
    }
    const { server, pids } = await termIgnoringOrphans(3);
    const audit = join(disk, 'audit.jsonl');
    const run = orchTop(['-L', server.socketName, '--reap', '--grace', '4s', '--audit-log', audit]);
    // The first SIGTERM is on record: fill the disk while the grace period runs.
    await waitFor(() => auditLines(audit).some((l) => l.event === 'signal' && l.signal === 'SIGTERM'), 20_000, 'the first SIGTERM');
    fill(join(disk, 'ballast'));
    const r = await run;
    expect(pids.filter(alive)).toEqual([]);
    expect(r.exitCode).not.toBe(0);
    const about = r.stderr.split('\n').filter((l) => /no space left|short write/.test(l));
    expect(about).toHaveLength(1);
    expect(about[0]).toMatch(/^orch-top: audit log .*audit\.jsonl: (no space left on device|short write)/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/Error:/);
    // Nothing that got SIGTERM went without SIGKILL: the sessions are gone too.
    expect(server.sessions()).toEqual([]);
  });

  it('a log that cannot be written before anything starts: nothing touched, exit 2', async (t) => {
    const disk = tinyDisk('already-full', '64k');
    if (typeof disk !== 'string') {
      console.log(`skipped: ${disk.skip}`);
      return t.skip();
    }
    const { server, pids } = await termIgnoringOrphans(1);
    fill(join(disk, 'ballast'));
    const r = await orchTop(['-L', server.socketName, '--reap', '--grace', '1s', '--audit-log', join(disk, 'audit.jsonl')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/audit log .*: (no space left on device|short write).*nothing was touched/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(pids.every(alive)).toBe(true);
    expect(server.sessions()).toEqual(['claude-agent-stubborn-0']);
  });
});

describe('SIGHUP during --reap', () => {
  it('cancels as SIGTERM does: logged, exit 129, nothing more signalled', async () => {
    const { server, pids } = await termIgnoringOrphans(1);
    const audit = join(dir, 'hup-audit.jsonl');
    const run = orchTop(['-L', server.socketName, '--reap', '--grace', '30s', '--audit-log', audit]);
    await waitFor(() => auditLines(audit).some((l) => l.event === 'signal' && l.signal === 'SIGTERM'), 20_000, 'the first SIGTERM');
    run.kill('SIGHUP');
    const r = await run;
    expect(r.exitCode).toBe(129);
    expect(r.stderr).toMatch(/SIGHUP: cancelling/);
    const lines = auditLines(audit);
    expect(lines.some((l) => l.event === 'cancel' && l.by === 'SIGHUP')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ event: 'done', message: expect.stringMatching(/^cancelled \(SIGHUP\)/) });
    // Cancelled before the grace period ended: nothing was SIGKILLed.
    expect(lines.some((l) => l.event === 'signal' && l.signal === 'SIGKILL')).toBe(false);
    expect(pids.every(alive)).toBe(true);
  });
});
