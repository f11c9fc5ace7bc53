// The package as a user gets it: `npm pack` the repository, install the tarball into an empty
// directory with nothing beside it, and run the installed `orch-top --version` and
// `orch-top --demo --snapshot` from there (real tmux; the demo uses a private socket and must leave
// nothing behind). Needs dist/ built (`npm test` builds before it runs the tests).
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/world.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const SQLITE = join(ROOT, 'node_modules', 'better-sqlite3');
const sqliteVersion = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

/** npm run by `npm test` exports npm_config_* and npm_package_* to its children: a nested npm would
 *  act on the repository (its prefix, its package), not on the empty directory. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Pids whose environment carries `entry` (KEY=value). */
function carrying(entry: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(entry)) out.push(Number(d));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

describe('the packed package', () => {
  let top: string;
  let app: string;
  let tarball: string;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'dist/ is built (npm run build)').toBe(true);
    top = mkdtempSync(join(tmpdir(), 'orch-top-pack-'));
    const packDir = join(top, 'tarball');
    app = join(top, 'app');
    mkdirSync(packDir);
    mkdirSync(app);
    // --ignore-scripts: `prepare` would rebuild dist/ while other test files run it.
    const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: ROOT, env: cleanEnv(), timeout: 60_000 });
    tarball = join(packDir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);

    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'orch-top-pack-check', version: '1.0.0', private: true }));
    // better-sqlite3 compiles its addon from source on install (about a minute here). Its install
    // script is not what this test proves (`npm ci` runs it for the repository): install without
    // scripts, pinned to the version the repository built, and reuse that build, the same file the
    // install script would have produced for this Node. Any other version is compiled for real.
    const want = sqliteVersion(SQLITE);
    await execa('npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', tarball, `better-sqlite3@${want}`], {
      cwd: app,
      env: cleanEnv(),
      timeout: 240_000,
    });
    const installed = join(app, 'node_modules', 'better-sqlite3');
    if (sqliteVersion(installed) === want && existsSync(join(SQLITE, 'build', 'Release', 'better_sqlite3.node'))) {
      mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
      cpSync(join(SQLITE, 'build', 'Release', 'better_sqlite3.node'), join(installed, 'build', 'Release', 'better_sqlite3.node'));
    } else {
      await execa('npm', ['rebuild', 'better-sqlite3'], { cwd: app, env: cleanEnv(), timeout: 300_000 });
    }
  }, 600_000);

  afterAll(() => {
    if (top) rmSync(top, { recursive: true, force: true });
  });

  it('holds bin, dist, README and LICENSE, and no sources, tests or maps', async () => {
    const list = (await execa('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
    for (const f of ['package/package.json', 'package/bin/orch-top.js', 'package/dist/cli/main.js', 'package/README.md', 'package/LICENSE'])
      expect(list).toContain(f);
    expect(list.filter((f) => /^package\/(src|test|bench|lint|\.ci)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
  });

  it('installs with nothing beside it: no node_modules above the directory', () => {
    for (let d = dirname(app); d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    expect(existsSync(join(app, 'node_modules', pkg.name, 'dist', 'cli', 'main.js'))).toBe(true);
  });

  it('runs orch-top --version', async () => {
    const r = await execa(join(app, 'node_modules', '.bin', 'orch-top'), ['--version'], { cwd: app, env: cleanEnv(), reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(pkg.version);
  });

  it('runs orch-top --demo --snapshot, and the demo leaves nothing behind', async () => {
    // A mark of this one run: every process the demo starts inherits it.
    const mark = `ORCH_TOP_PACK_CHECK=${randomBytes(6).toString('hex')}`;
    const [key, value] = mark.split('=') as [string, string];
    const home = join(top, 'home');
    mkdirSync(home);
    const r = await execa(join(app, 'node_modules', '.bin', 'orch-top'), ['--demo', '--snapshot'], {
      cwd: app,
      env: cleanEnv({ [key]: value, HOME: home, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config') }),
      reject: false,
      timeout: 60_000,
    });
    // The demo is full of findings by design: exit 1, with the table and its summary.
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toContain('AGENT SESSIONS');
    expect(r.stdout).toContain('SUMMARY');
    const socket = /socket (\S+?)\)/.exec(r.stderr)?.[1];
    const workspaces = [...r.stderr.matchAll(/demo: workspace (\S+)/g)].map((m) => m[1]!);
    expect(socket, r.stderr).toBeTruthy();
    expect(workspaces).toHaveLength(2);
    await waitFor(() => carrying(mark).length === 0, 5_000, `no process carrying ${mark} (left: ${carrying(mark).join(', ')})`);
    expect(existsSync(socket!)).toBe(false);
    for (const w of workspaces) expect(existsSync(w), w).toBe(false);
  });
});
