// Rule 8, one-shot modes: a tmux whose child keeps the pipe open, and pid files, registries, state
// files and config files that are a FIFO, /dev/zero, a directory or huge. `--snapshot` and `--reap`
// end with one line and exit 2 (tmux) or report the file in one line, never hang, never read
// without bound, and leave no child behind.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { processes } from '../helpers/terminal.js';
import { alive, ProcessPool } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const pool = new ProcessPool();
let dir: string;
/** A fake tmux whose child holds stdout open and sleeps; the mark tells its processes apart. */
let hangingTmux: string;
const MARK = `600.${process.pid}1`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-hang-'));
  hangingTmux = join(dir, 'tmux');
  writeFileSync(hangingTmux, `#!/bin/sh\nsleep ${MARK} &\necho "$@"\nwait\n`);
  chmodSync(hangingTmux, 0o755);
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The deadline is the test's failure condition (a hang), not a timing assertion.
const orchTop = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '', ...env },
    cwd: dir,
    timeout: 30_000,
  });

const leftovers = () => processes().filter((p) => p.args.includes(MARK));

describe('a tmux that never lets go of its pipe', () => {
  for (const mode of ['--snapshot', '--reap']) {
    it(`${mode} ends with one line, exit 2, nothing touched, no child left`, async () => {
      const bystander = pool.spawn('sleep', ['600']).pid!;
      const r = await orchTop(['-L', `orchtop-test-hang-${process.pid}`, mode], { ORCH_TOP_TMUX: hangingTmux });
      expect(r.timedOut).toBe(false);
      expect(r.exitCode).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^orch-top: tmux list-panes timed out after \d+ ms/);
      expect(alive(bystander)).toBe(true);
      expect(leftovers()).toEqual([]);
    });
  }
});

describe('files that are not regular files, or too big', () => {
  const bad = () => {
    const d = mkdtempSync(join(dir, 'files-'));
    const fifo = join(d, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const huge = join(d, 'huge');
    writeFileSync(huge, '');
    truncateSync(huge, 2 * 1024 ** 3); // sparse: 2 GiB that costs no disk
    const zero = join(d, 'zero');
    symlinkSync('/dev/zero', zero);
    const sub = join(d, 'dir');
    mkdirSync(sub);
    return { fifo: [fifo, /is a FIFO/], zero: [zero, /is a device/], dir: [sub, /is a directory/], huge: [huge, /is larger than 4 KiB/] } as const;
  };

  it('--pidfile: a FIFO, /dev/zero, a directory, a 2 GiB file: one line each, no hang', async () => {
    for (const [path, why] of Object.values(bad())) {
      const r = await orchTop(['-L', `orchtop-test-none-${process.pid}`, '--snapshot', '--json', '--pidfile', path]);
      expect(r.timedOut).toBe(false);
      const doc = JSON.parse(r.stdout) as { orchestratorError: string };
      expect(doc.orchestratorError).toMatch(why);
      expect(doc.orchestratorError).toContain(`pid file ${path}: `);
    }
  });

  it('--config: a FIFO, /dev/zero, a directory: exit 2 with one line', async () => {
    const b = bad();
    for (const [path, why] of [b.fifo, b.zero, b.dir]) {
      const r = await orchTop(['-L', `orchtop-test-none-${process.pid}`, '--snapshot', '--config', path]);
      expect(r.timedOut).toBe(false);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(why);
    }
  });

  it('a registry JSON or SQLite state file that is a FIFO or /dev/zero: reported, the look ends', async () => {
    const b = bad();
    for (const [target, why] of [b.fifo, b.zero]) {
      const ws = mkdtempSync(join(dir, 'ws-'));
      mkdirSync(join(ws, 'registry'));
      symlinkSync(target, join(ws, 'registry', 'GLOBAL_REGISTRY.json'));
      symlinkSync(target, join(ws, 'registry', 'state.sqlite3'));
      const r = await orchTop(['-L', `orchtop-test-none-${process.pid}`, '--snapshot', '--json', '--workspace', ws]);
      expect(r.timedOut).toBe(false);
      const doc = JSON.parse(r.stdout) as { errors: string[] };
      expect(doc.errors.filter((e) => e.includes('GLOBAL_REGISTRY.json')).join('\n')).toMatch(why);
      expect(doc.errors.filter((e) => e.includes('state.sqlite3')).join('\n')).toMatch(why);
    }
  });
});
