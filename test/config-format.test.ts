// --format text|json (and --json, its alias), and `format` in the config file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError, type Config } from '../src/config.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-format-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ HOME: dir, XDG_CONFIG_HOME: join(dir, 'none') });
function run(argv: string[]): Config {
  const r = parseCli(argv, env(), dir);
  if (r.kind !== 'run') throw new Error(r.kind);
  return r.config;
}
function usage(argv: string[]): string {
  try {
    parseCli(argv, env(), dir);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('no usage error');
}
const withFile = (data: object): string[] => {
  const p = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify(data));
  return ['--config', p];
};

describe('--format', () => {
  it('is text by default; --format json and --json are the same', () => {
    expect(run(['--snapshot'])).toMatchObject({ format: 'text', json: false });
    expect(run(['--snapshot', '--format', 'json'])).toMatchObject({ format: 'json', json: true });
    expect(run(['--reap', '--json'])).toMatchObject({ format: 'json', json: true });
    expect(run(['--shutdown', '--json', '--format', 'json', '--dry-run'])).toMatchObject({ format: 'json', json: true });
    expect(run(['--snapshot', '--format', 'text'])).toMatchObject({ format: 'text', json: false });
  });

  it('a bad value, a contradiction, or the console: one line naming it', () => {
    expect(usage(['--snapshot', '--format', 'xml'])).toBe("--format: 'xml' is not a format (text, json)");
    expect(usage(['--snapshot', '--format', ''])).toBe("--format: '' is not a format (text, json)");
    expect(usage(['--snapshot', '--json', '--format', 'text'])).toBe('--json is --format json: it contradicts --format text');
    expect(usage(['--format', 'json'])).toBe('--format goes with --snapshot, --reap or --shutdown');
    expect(usage(['--snapshot', '--format'])).toMatch(/^--format: needs a value/);
  });

  it('the config file may say it; flags beat it; a bad one names the file', () => {
    expect(run(['--snapshot', ...withFile({ format: 'json' })])).toMatchObject({ format: 'json', json: true });
    expect(run(['--snapshot', '--format', 'text', ...withFile({ format: 'json' })])).toMatchObject({ format: 'text' });
    expect(run(['--snapshot', '--json', ...withFile({ format: 'text' })])).toMatchObject({ format: 'json' });
    expect(run(withFile({ format: 'json' }))).toMatchObject({ mode: 'console' }); // the console is the console
    expect(usage(['--snapshot', ...withFile({ format: 'yaml' })])).toMatch(/^config .*\.json: format: 'yaml' is not a format \(text, json\)$/);
    expect(usage(['--snapshot', ...withFile({ format: 1 })])).toMatch(/'format' must be a string/);
  });
});
