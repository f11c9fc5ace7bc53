// Rule 10 (issue 12): the config file is as strict as the flags. Every bad value is a UsageError
// (exit 2, nothing touched) whose one line names the file and the key; `--grace -1` is a bad value,
// not a missing one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'orchtop-config-strict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'none') };

let n = 0;
function withFile(text: string, args: string[] = ['--snapshot']) {
  const path = join(dir, `c${++n}.json`);
  writeFileSync(path, text);
  return { path, run: () => parseCli(['--config', path, ...args], env, dir) };
}
function usageLine(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('no UsageError');
}

describe('config values', () => {
  const bad: [string, string, RegExp][] = [
    ['socketName', '{"socketName": ""}', /socketName: the name is empty/],
    ['socketName', '{"socketName": "a/b"}', /socketName: 'a\/b' is a path/],
    ['socketName', '{"socketName": "agents", "socketPath": "/tmp/s"}', /socketName and socketPath name two different tmux servers/],
    ['socketPath', '{"socketPath": ""}', /socketPath: the path is empty/],
    ['pidfile', '{"pidfile": ""}', /pidfile: the path is empty/],
    ['auditLog', '{"auditLog": "  "}', /auditLog: the path is empty/],
    ['workspaces', '{"workspaces": ["/tmp", ""]}', /workspaces: the path is empty/],
    ['prefixes', '{"prefixes": []}', /prefixes: the list is empty/],
    ['prefixes', '{"prefixes": ["claude-agent-", " "]}', /prefixes: a prefix cannot be empty/],
    ['orchestratorPid', '{"orchestratorPid": -1}', /orchestratorPid: '-1' is not a process id/],
    ['orchestratorPid', '{"orchestratorPid": 1e400}', /orchestratorPid: 'Infinity' is not a process id/],
    ['orchestratorPid', '{"orchestratorPid": 12, "pidfile": "/tmp/p"}', /orchestratorPid and pidfile both name the orchestrator/],
    ['grace', '{"grace": -1}', /grace: '-1' is negative/],
    ['grace', '{"grace": "NaN"}', /grace: 'NaN' is not a duration/],
    ['grace', '{"grace": 1e400}', /grace: 'Infinity' is not a duration/],
    ['grace', '{"grace": 99999999999}', /grace: at most 10m/],
    ['interval', '{"interval": 0}', /interval: must be between 100ms and 1h/],
    ['sample', '{"sample": "11m"}', /sample: at most 10m/],
    ['format', '{"format": "yaml"}', /format: 'yaml' is not a format/],
    ['constructor', '{"constructor": 1}', /unknown key 'constructor'/],
    ['toString', '{"toString": "x"}', /unknown key 'toString'/],
    ['prefixes', '{"prefixes": "claude-agent-"}', /'prefixes' must be a list of strings/],
  ];
  it.each(bad)('%s: %s is refused, naming the file and the key', (_key, text, want) => {
    const f = withFile(text);
    const line = usageLine(f.run);
    expect(line.startsWith(`config ${f.path}: `)).toBe(true);
    expect(line).toMatch(want);
  });

  it('good values still parse', () => {
    const f = withFile('{"socketName": "agents", "prefixes": ["claude-agent-"], "grace": 0, "interval": "2s", "workspaces": ["ws"]}');
    const p = f.run();
    expect(p.kind).toBe('run');
    if (p.kind !== 'run') return;
    expect(p.config.server).toEqual({ socketName: 'agents' });
    expect(p.config.graceMs).toBe(0);
    expect(p.config.workspaces).toEqual([join(dir, 'ws')]);
  });
});

describe('flags', () => {
  const run =
    (...args: string[]) =>
    () =>
      parseCli(args, env, dir);
  it('--grace -1 says the value is bad, not missing', () => {
    expect(usageLine(run('--reap', '--grace', '-1'))).toBe("--grace: '-1' is negative; a duration is 0 or more (e.g. 500ms, 2s, 1m)");
    expect(usageLine(run('--reap', '--grace=-1'))).toMatch(/--grace: '-1' is negative/);
    expect(usageLine(run('--snapshot', '--interval', '-0.5'))).toMatch(/--interval: '-0.5' is negative/);
    expect(usageLine(run('--snapshot', '--orchestrator-pid', '-4'))).toMatch(/--orchestrator-pid: '-4' is not a process id/);
  });
  it('a missing value is still called missing; an option after a value-taking one is still an option', () => {
    expect(usageLine(run('--reap', '--grace'))).toMatch(/--grace: needs a value/);
    expect(usageLine(run('--reap', '--grace', '--json'))).toMatch(/--grace/);
  });
  it('empty paths are refused', () => {
    expect(usageLine(run('--snapshot', '--pidfile', ''))).toBe('--pidfile: the path is empty');
    expect(usageLine(run('--snapshot', '--config', ''))).toBe('--config: the path is empty');
    expect(usageLine(run('--snapshot', '--workspace', ''))).toBe('--workspace: the path is empty');
    expect(usageLine(run('--reap', '--audit-log', ''))).toBe('--audit-log: the path is empty');
  });
});
