import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileMatch, parseCli, parseDuration, UsageError, type Config } from '../src/config.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-config-'));
  env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[]): Config => {
  const r = parseCli(argv, env, dir);
  if (r.kind !== 'run') throw new Error(`expected run, got ${r.kind}`);
  return r.config;
};
const usage = (argv: string[]): string => {
  try {
    parseCli(argv, env, dir);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1.5s', 1500],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['2', 2000],
  ])('%s is %i ms', (t, ms) => expect(parseDuration(t, 'x')).toBe(ms));
  it.each(['', 'fast', '-1s', '1w', '1 s s'])('%j is refused', (t) => expect(() => parseDuration(t, '--interval')).toThrow(/--interval/));
});

describe('flags', () => {
  it('has sensible defaults', () => {
    const c = run(['--snapshot']);
    expect(c).toMatchObject({
      mode: 'snapshot',
      json: false,
      server: {},
      prefixes: ['claude-agent-'],
      workspaces: [],
      orchestratorPid: null,
      pidfile: null,
      intervalMs: 1000,
      sampleMs: 0,
    });
    expect(compileMatch(c.orchestratorMatch.source).test('python3 /srv/real_mcp_server.py')).toBe(true);
    expect(compileMatch(c.orchestratorMatch.source).test('vim real_mcp_server_py')).toBe(false);
  });

  it('takes every option of the snapshot', () => {
    const c = run([
      '--snapshot',
      '--json',
      '-L',
      'orch',
      '--prefix',
      'a-',
      '--prefix',
      'b-',
      '--workspace',
      'ws1',
      '--workspace',
      '/abs/ws2',
      '--orchestrator-pid',
      '123',
      '--interval',
      '250ms',
      '--sample',
      '3s',
    ]);
    expect(c).toMatchObject({
      json: true,
      server: { socketName: 'orch' },
      prefixes: ['a-', 'b-'],
      workspaces: [join(dir, 'ws1'), '/abs/ws2'],
      orchestratorPid: 123,
      intervalMs: 250,
      sampleMs: 3000,
    });
    expect(run(['--snapshot', '-S', 'sock']).server).toEqual({ socketPath: join(dir, 'sock') });
    expect(run(['--snapshot', '--pidfile', 'o.pid']).pidfile).toBe(join(dir, 'o.pid'));
    expect(run(['--snapshot', '--orchestrator-match', 'mcp_.*server']).orchestratorMatch.source).toBe('mcp_.*server');
  });

  it('answers --help and --version', () => {
    expect(parseCli(['--help'], env, dir).kind).toBe('help');
    expect(parseCli(['-h'], env, dir).kind).toBe('help');
    expect(parseCli(['--version'], env, dir).kind).toBe('version');
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['-x'], /unknown option -x/],
    [['stray'], /unexpected argument stray/],
    [['--snapshot', '--interval'], /--interval.*needs a value/],
    [['--snapshot', '--interval', 'soon'], /--interval: 'soon' is not a duration/],
    [['--snapshot', '--interval', '10ms'], /between 100ms and 1h/],
    [['--snapshot', '--orchestrator-pid', 'abc'], /'abc' is not a process id/],
    [['--snapshot', '--orchestrator-pid', '0'], /not a process id/],
    [['--snapshot', '--orchestrator-match', '(unclosed'], /not a valid regular expression/],
    [['--snapshot', '--prefix', ''], /prefix cannot be empty/],
    [['--snapshot', '-L', 'a', '-S', '/b'], /give one/],
    [['--snapshot', '-L', 'a/b'], /use -S/],
    [['--snapshot', '--orchestrator-pid', '1', '--pidfile', 'x'], /give one/],
    [['--json'], /--json goes with --snapshot/],
    [['--snapshot', '--sample', '20m'], /at most 10m/],
  ])('%j is a usage error naming the problem', (argv, msg) => {
    expect(usage(argv as string[])).toMatch(msg);
  });
});

describe('config file', () => {
  const write = (path: string, data: unknown) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  };

  it('is read from $XDG_CONFIG_HOME/orch-top/config.json when present, and flags beat it', () => {
    write(join(dir, 'xdg/orch-top/config.json'), { socketName: 'fromfile', prefixes: ['f-'], interval: '2s', orchestratorMatch: 'mcp' });
    const c = run(['--snapshot', '--interval', '500ms']);
    expect(c).toMatchObject({ server: { socketName: 'fromfile' }, prefixes: ['f-'], intervalMs: 500 });
    expect(c.orchestratorMatch.source).toBe('mcp');
    expect(run(['--snapshot', '-L', 'flag', '--prefix', 'g-']).server).toEqual({ socketName: 'flag' });
    expect(run(['--snapshot', '--prefix', 'g-']).prefixes).toEqual(['g-']);
  });

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset', () => {
    env = { HOME: dir };
    write(join(dir, '.config/orch-top/config.json'), { interval: 3 });
    expect(run(['--snapshot']).intervalMs).toBe(3000);
  });

  it('an explicit --config that does not exist is an error; a missing default is not', () => {
    expect(usage(['--snapshot', '--config', 'nope.json'])).toMatch(/config .*nope.json: not found/);
    expect(run(['--snapshot']).configFile).toBeNull();
  });

  it.each([
    ['{ not json', /not valid JSON/],
    ['[1,2]', /must be a JSON object/],
    [{ colour: true }, /unknown key 'colour'/],
    [{ prefixes: 'claude-' }, /'prefixes' must be a list of strings/],
    [{ interval: 'often' }, /interval: 'often' is not a duration/],
    [{ orchestratorPid: 'x1' }, /not a process id/],
    [{ prefixes: [''] }, /prefix cannot be empty/],
  ])('a bad file (%j) is one clear line', (data, msg) => {
    write(join(dir, 'c.json'), data);
    expect(usage(['--snapshot', '--config', 'c.json'])).toMatch(msg);
  });
});

describe('--serve and --report settings', () => {
  const cfg = (args: string[]) => {
    const r = parseCli(args, { HOME: '/nonexistent-home' }, '/');
    if (r.kind !== 'run') throw new Error('not a run');
    return r.config;
  };
  it('--serve polls every 5 s unless told; --listen PORT is loopback, a host only when written out', () => {
    expect(cfg(['--serve']).intervalMs).toBe(5_000);
    expect(cfg(['--serve', '--interval', '1s']).intervalMs).toBe(1_000);
    expect(cfg(['--serve', '--listen', '9464']).listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(cfg(['--serve', '--listen', '0.0.0.0:9464']).listen).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(cfg(['--serve', '--listen', '[::1]:9464']).listen).toEqual({ host: '::1', port: 9464 });
    expect(cfg(['--serve', '--reap-every', '1m', '--log-format', 'json'])).toMatchObject({ reapEveryMs: 60_000, logFormat: 'json' });
    expect(cfg(['--report', '--since', '7d', '--json'])).toMatchObject({ mode: 'report', sinceMs: 604_800_000, json: true });
  });
  it.each([
    [['--listen', '9464'], /--listen goes with --serve/],
    [['--serve', '--listen', 'host:99999'], /is not \[HOST:\]PORT/],
    [['--serve', '--reap-every', '10ms'], /--reap-every: must be between 1s and 7d/],
    [['--serve', '--log-format', 'xml'], /'xml' is not text or json/],
    [['--since', '1h'], /--since goes with --report/],
    [['--serve', '--json'], /--serve logs with --log-format json/],
    [['--serve', '--report'], /two modes/],
  ])('%j is refused', (args, re) => expect(() => parseCli(args, { HOME: '/nonexistent-home' }, '/')).toThrow(re));
});
