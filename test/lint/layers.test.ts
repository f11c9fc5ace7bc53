// The layer rules of DESIGN.md, as the linter enforces them (biome.jsonc and lint/*.grit): small
// snippets placed at paths in each layer must fail or pass. Biome reads the repository's own
// config, copied with its plugins into a scratch directory laid out like src/ (Biome's stdin mode
// prints no diagnostics, so each snippet is a real file there).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

const SPAWN = `import { spawn } from 'node:child_process';\nexport const run = () => spawn('true');\n`;
const EXECA = `import { execa } from 'execa';\nexport const run = () => execa('true');\n`;
const FS = `import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n`;
const KILL = `export const stop = (pid: number) => process.kill(pid, 'SIGTERM');\n`;
const KILL_REF = `const k = process.kill;\nexport const stop = (pid: number) => k(pid);\n`;
const PROC = "import { readFileSync } from 'node:fs';\nexport const stat = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8');\n";
const UI_VALUE = `import { listPanes } from '../collectors/tmux.js';\nexport const f = listPanes;\n`;
const UI_TYPE = `import type { TmuxResult } from '../collectors/tmux-exec.js';\nexport type R = TmuxResult;\n`;
const UI_EXECUTE = `import { executePlan } from '../actions/execute.js';\nexport const f = executePlan;\n`;
const UI_SERVICE = `import { createConsoleActions } from '../actions/console-actions.js';\nexport const f = createConsoleActions;\n`;
const MODEL_UP = `import type { AppState } from '../store/store.js';\nexport type S = AppState;\n`;
const UI_SIDE_EFFECT = `import '../actions/execute.js';\n`;
const UI_REEXPORT_TYPE = `export type { Plan } from '../actions/execute.js';\n`;
const MODEL_OK = `import { resolve } from 'node:path';\nimport type { Snapshot } from './types.js';\nexport const f = (s: Snapshot) => resolve(String(s));\n`;

/** [path, code, the error it must raise (a diagnostic category), or null: no error at all]. */
const CASES: [string, string, string | null][] = [
  // model/ imports no I/O and nothing above it
  ['src/model/spawn.ts', SPAWN, 'lint/style/noRestrictedImports'],
  ['src/model/fs.ts', FS, 'lint/style/noRestrictedImports'],
  ['src/model/up.ts', MODEL_UP, 'lint/style/noRestrictedImports'],
  ['src/model/ok.ts', MODEL_OK, null],
  // only collectors/ spawn (and the demo sandbox)
  ['src/collectors/spawn.ts', SPAWN, null],
  ['src/collectors/execa.ts', EXECA, null],
  ['src/demo/spawn.ts', SPAWN, null],
  ['src/actions/spawn.ts', SPAWN, 'lint/style/noRestrictedImports'],
  ['src/ui/execa.ts', EXECA, 'lint/style/noRestrictedImports'],
  ['src/cli/spawn.ts', SPAWN, 'lint/style/noRestrictedImports'],
  // only actions/ signal
  ['src/ui/kill.ts', KILL, 'plugin'],
  ['src/ui/kill-ref.ts', KILL_REF, 'plugin'],
  ['src/demo/kill.ts', KILL, 'plugin'],
  ['src/collectors/kill.ts', KILL, 'plugin'],
  ['src/actions/kill.ts', KILL, null],
  // only collectors/ read /proc
  ['src/cli/proc.ts', PROC, 'plugin'],
  ['src/collectors/proc.ts', PROC, null],
  // ui/ reaches collectors/ and actions/ only by `import type` and the action service
  ['src/ui/value.ts', UI_VALUE, 'plugin'],
  ['src/ui/execute.ts', UI_EXECUTE, 'plugin'],
  ['src/ui/side-effect.ts', UI_SIDE_EFFECT, 'plugin'],
  ['src/ui/type.ts', UI_TYPE, null],
  ['src/ui/reexport-type.ts', UI_REEXPORT_TYPE, null],
  ['src/ui/service.ts', UI_SERVICE, null],
  ['src/render/value.ts', UI_VALUE, null],
];

interface Diagnostic {
  severity: string;
  category: string;
  message: string;
  location: { path: string };
}

// A plugin that fails to run reports itself as a `plugin` error too ("… errored: …"): that is not the rule holding.
const category = (d: Diagnostic) => (d.category === 'plugin' && /errored/.test(d.message) ? `plugin failed: ${d.message}` : d.category);

describe('the layer rules', () => {
  let dir: string;
  const errors = new Map<string, string[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-top-lint-'));
    cpSync(join(ROOT, 'biome.jsonc'), join(dir, 'biome.jsonc'));
    cpSync(join(ROOT, 'lint'), join(dir, 'lint'), { recursive: true });
    for (const [path, code] of CASES) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), code);
    }
    const r = await execa(BIOME, ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', 'src'], {
      cwd: dir,
      reject: false,
      timeout: 30_000,
    });
    const report = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
    for (const d of report.diagnostics) {
      if (d.severity !== 'error') continue;
      errors.set(d.location.path, [...(errors.get(d.location.path) ?? []), category(d)]);
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('%s', (path, _code, expected) => {
    const got = errors.get(path) ?? [];
    if (expected === null) expect(got).toEqual([]);
    else expect(got).toContain(expected);
  });
});
