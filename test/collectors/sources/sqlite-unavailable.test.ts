// better-sqlite3 is loaded only when a SQLite state file is found, and a native module that cannot
// load costs those files only. The real program runs in a child whose process.dlopen fails the way an
// addon built for another Node ABI fails (a --require preload replaces it before anything loads): the
// package's JS loads, its addon does not, exactly where a real mismatch breaks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/model/types.js';
import { copyFixture, FIXTURES } from '../../helpers/fixtures.js';
import { ProcessPool } from '../../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'orch-top.js');
const NO_ADDON = `process.dlopen = (module, filename) => {
  const e = new Error(\`The module '\${filename}'\\nwas compiled against a different Node.js version using NODE_MODULE_VERSION 1. This version of Node.js requires NODE_MODULE_VERSION \${process.versions.modules}.\`);
  e.code = 'ERR_DLOPEN_FAILED';
  throw e;
};
`;
const pool = new ProcessPool();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-nosqlite-'));
  writeFileSync(join(dir, 'no-addon.cjs'), NO_ADDON);
  copyFixture(join(FIXTURES, 'real-state', '.agent-workspace'), join(dir, 'payments', '.agent-workspace'));
  copyFixture(join(FIXTURES, 'real-workspace'), join(dir, 'legacy'));
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function orchTop(args: string[], preload: boolean) {
  return execa('node', [...(preload ? ['--require', join(dir, 'no-addon.cjs')] : []), BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: dir, XDG_STATE_HOME: dir, CLAUDE_ORCHESTRATOR_WORKSPACE: '' },
    cwd: dir,
    timeout: 20_000,
  });
}

describe('a SQLite driver that cannot load', () => {
  it('reports the SQLite workspace unreadable with the reason, and still reads the JSON one', async () => {
    const server = pool.tmuxServer('nosqlite');
    server.newSession('scratch', 'sleep 600');
    const sqliteWs = join(dir, 'payments', '.agent-workspace');
    const args = [
      '--snapshot',
      '--json',
      '-L',
      server.socketName,
      '--workspace',
      sqliteWs,
      '--workspace',
      join(dir, 'legacy'),
      '--orchestrator-match',
      'no-such-orchestrator-xyz',
    ];

    const healthy = JSON.parse((await orchTop(args, false)).stdout) as Snapshot;
    const r = await orchTop(args, true);
    // Nothing crashed: the one stderr line is the incomplete look (rule 11 of issue 12).
    expect(r.stderr).toMatch(/^orch-top: incomplete look: .*state\.sqlite3: cannot read SQLite: [^\n]*$/);
    const snap = JSON.parse(r.stdout) as Snapshot;
    const file = join(sqliteWs, 'registry', 'state.sqlite3');
    const [broken, legacy] = snap.workspaces;
    expect(broken).toMatchObject({ path: sqliteWs, readable: false, agents: 0 });
    // One line: the file, what failed, and the loader's first line (the addon's path).
    expect(broken!.error!.startsWith(`${file}: cannot read SQLite: The module '`)).toBe(true);
    expect(broken!.error).toMatch(/better_sqlite3\.node'$/);
    expect(snap.errors).toContain(broken!.error);
    // Everything else is as it is with a working driver: the JSON workspace, the tmux server, the counts.
    expect(legacy).toEqual(healthy.workspaces[1]);
    expect(legacy!.agents).toBeGreaterThan(20);
    expect(healthy.workspaces[0]).toMatchObject({ readable: true, error: null, agents: 6 });
    expect(snap.tmux).toEqual(healthy.tmux);
    // An unreadable registry never passes for healthy: an incomplete look.
    expect(r.exitCode).toBe(3);
    expect(snap.incomplete).toEqual([broken!.error]);
  });

  it('is never loaded when no SQLite file is found', async () => {
    const probe = `
      const { readWorkspace } = await import(${JSON.stringify(join(import.meta.dirname, '..', '..', '..', 'dist', 'collectors', 'workspaces.js'))});
      const w = await readWorkspace({ path: ${JSON.stringify(join(dir, 'legacy'))}, how: 'flag' });
      const loaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((k) => k.includes('better-sqlite3'));
      console.log(JSON.stringify({ agents: w.agents.length, error: w.error, loaded }));`;
    const r = await execa(process.execPath, ['--input-type=module', '-e', probe], { reject: false, timeout: 20_000, env: { HOME: dir } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ error: null, loaded: false });
  });
});
