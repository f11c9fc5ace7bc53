// Rule 10 for limits: the config's `limits` and the --max-* flags are as strict as every other key;
// each bad value is one line naming the key (exit 2 in main), and good ones reach the Config.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'orchtop-limits-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withConfig(limits: unknown, ...argv: string[]) {
  const path = join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ limits }));
  return { path, run: () => parseCli(['--config', path, ...argv], { HOME: dir }, dir) };
}
const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('limits in the config and as flags', () => {
  it.each([
    [{ maxRss: '-1GB' }, 'limits.maxRss: "-1GB" is negative'],
    [{ maxRss: '1 gigabyte' }, 'limits.maxRss: "1 gigabyte" is not a size'],
    [{ maxCpu: '150' }, 'limits.maxCpu: "150" is not a CPU limit'],
    [{ maxFds: { value: 10, hard: 1 } }, 'limits.maxFds.hard: must be true or false'],
    [{ projects: { a: { maxIdle: '-5m' } } }, 'limits.projects.a.maxIdle: "-5m" is negative'],
    [{ types: { reviewer: { maxThreads: 5 } } }, 'limits.types.reviewer.maxThreads: unknown key'],
    [{ maxAgents: -1 }, 'limits.maxAgents: -1 is negative'],
    ['2GB', 'limits: must be a JSON object'],
  ])('%j: names the key', (limits, want) => {
    const c = withConfig(limits);
    expect(message(c.run)).toContain(`config ${c.path}: ${want}`);
  });

  it('flags: bad values name the flag; good ones are hard limits over the file', () => {
    expect(message(() => parseCli(['--max-rss', '-5MB'], { HOME: dir }, dir))).toBe('--max-rss: "-5MB" is negative');
    expect(message(() => parseCli(['--max-cpu', '90%/x'], { HOME: dir }, dir))).toMatch(/^--max-cpu \(its window\): "x" is not a duration/);
    expect(message(() => parseCli(['--max-agents', 'two'], { HOME: dir }, dir))).toBe("--max-agents: 'two' is not a whole number of 0 or more");
    expect(message(() => parseCli(['--enforce-limits'], { HOME: dir }, dir))).toBe('--enforce-limits goes with --reap (or --serve --reap-every)');
    const c = withConfig({ maxRss: '1GB', maxAge: '8h' }, '--reap', '--enforce-limits', '--max-rss', '512MiB');
    const parsed = c.run();
    if (parsed.kind !== 'run') throw new Error(parsed.kind);
    expect(parsed.config.enforceLimits).toBe(true);
    expect(parsed.config.limits.maxRss).toEqual({ value: 512 * 2 ** 20, hard: true });
    expect(parsed.config.limits.maxAge).toEqual({ value: 8 * 3_600_000, hard: false });
  });
});
