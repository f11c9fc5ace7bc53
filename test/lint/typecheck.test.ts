// `npm run typecheck` (tsc -p tsconfig.json) covers test/ as well as src/: every test file is in its
// program, and a type error in a test file fails it. The failing case runs the repository's own
// tsconfig.json in a scratch directory holding one broken test file (and node_modules, for its types).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return /\.tsx?$/.test(e.name) ? [relative(ROOT, p)] : [];
  });
}

describe('npm run typecheck', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('has every file of test/ in its program', async () => {
    const r = await execa(TSC, ['-p', 'tsconfig.json', '--listFilesOnly'], { cwd: ROOT, timeout: 60_000 });
    const listed = new Set(r.stdout.split('\n').map((f) => relative(ROOT, f.trim())));
    expect(testFiles(join(ROOT, 'test')).filter((f) => !listed.has(f))).toEqual([]);
  });

  it('fails on a type error in a test file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-top-typecheck-'));
    dirs.push(dir);
    cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    mkdirSync(join(dir, 'test'));
    writeFileSync(join(dir, 'test', 'broken.test.ts'), "export const n: number = 'not a number';\n");
    const r = await execa(TSC, ['-p', 'tsconfig.json'], { cwd: dir, reject: false, timeout: 60_000 });
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toMatch(/test\/broken\.test\.ts\(1,14\): error TS2322/);
  });
});
