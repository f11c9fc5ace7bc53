// `orch-top --metrics` as node_exporter's textfile collector runs it, on a real private tmux server
// with orphan agent sessions, a zombie maker and (through the engine's pane memory) a leaked process:
// the exposition passes `promtool check metrics` (where promtool exists; the format check always
// runs), its series say what tmux and /proc say, and contrib/'s alert rules pass `promtool check
// rules` and their own `promtool test rules`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { renderMetrics } from '../../src/render/formats/prometheus.js';
import { ProcessPool, ZOMBIE_MAKER_PERL, alive, childrenOf, procState, waitFor, type TmuxServerFixture } from '../helpers/world.js';
import { formatProblems, parseExposition, seriesValue, sumOf } from '../render/formats/prometheus-exposition.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'orch-top.js');
const RULES = join(ROOT, 'contrib', 'prometheus');
const pool = new ProcessPool();
const PAGE = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
const MATCH = `fake_orchestrator_metrics_${process.pid}`;
let dir: string;

function which(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const PROMTOOL = which('promtool');
if (!PROMTOOL)
  console.warn("metrics-promtool: promtool is not installed (Debian's prometheus package ships it): the promtool checks are skipped, the format check runs");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-metrics-'));
  writeFileSync(join(dir, 'zombies.pl'), ZOMBIE_MAKER_PERL);
});
afterEach(() => pool.teardown());
afterAll(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

function orchTop(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '', ...env },
    cwd: dir,
    timeout: 20_000,
    // The exposition exactly as written (a text format's last line ends in a newline).
    stripFinalNewline: false,
  });
}

/** promtool check metrics on stdin: its exit code and what it said (lint problems go to stderr). */
async function promtoolCheck(text: string) {
  const r = await execa(PROMTOOL!, ['check', 'metrics'], { input: text, reject: false, timeout: 10_000 });
  return { exitCode: r.exitCode, said: `${r.stdout}${r.stderr}`.trim() };
}

/** Two orphan agent sessions (one a zombie maker with 3 zombies) and a personal session. */
async function messyServer(): Promise<TmuxServerFixture> {
  const server = pool.tmuxServer('metrics');
  server.newSession('claude-agent-plain', 'sleep 600');
  server.newSession('claude-agent-zombies', `exec perl ${join(dir, 'zombies.pl')} 3`);
  server.newSession('scratch', 'sleep 600');
  const parent = server.panePid('=claude-agent-zombies:');
  await waitFor(() => childrenOf(parent).filter((c) => procState(c) === 'Z').length === 3, 5000, 'three zombies');
  return server;
}

describe('orch-top --metrics', () => {
  it('prints one exposition of the real world and exits 0; promtool finds nothing in it', async () => {
    const server = await messyServer();
    // The sleeper's resident memory, once it has settled after exec (stat field 24, in pages, as ps has it).
    const sleeper = server.panePid('=claude-agent-plain:');
    const rssNow = () => Number(readFileSync(`/proc/${sleeper}/stat`, 'utf8').split(') ')[1]!.split(' ')[21]) * PAGE;
    let last = -1;
    await waitFor(() => last === (last = rssNow()), 3000, 'a settled RSS');
    const r = await orchTop(['--metrics', '-L', server.socketName, '--orchestrator-match', 'no-such-orchestrator-xyz']);
    const rss = rssNow();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(formatProblems(r.stdout)).toEqual([]);
    const f = parseExposition(r.stdout);
    expect(seriesValue(f, 'orch_top_agent_sessions', { status: 'orphan' })).toBe(2);
    expect(seriesValue(f, 'orch_top_orphan_sessions', { reason: 'orchestrator-down' })).toBe(2);
    expect(seriesValue(f, 'orch_top_zombies', { scope: 'in' })).toBe(3);
    expect(seriesValue(f, 'orch_top_other_tmux_sessions')).toBe(1);
    expect(seriesValue(f, 'orch_top_session_resident_memory_bytes', { session: 'claude-agent-plain' })).toBe(rss);
    // The zombie maker and its three zombies (still in its pane tree).
    expect(seriesValue(f, 'orch_top_session_processes', { session: 'claude-agent-zombies' })).toBe(4);
    expect(f.get('orch_top_tick_duration_seconds')!.samples[0]!.value).toBeGreaterThan(0);
    if (PROMTOOL) expect(await promtoolCheck(r.stdout)).toEqual({ exitCode: 0, said: '' });
  });

  it.each([
    [['--metrics', '--json'], /--metrics writes the Prometheus text format: it takes no --json or --format/],
    [['--metrics', '--format', 'text'], /--metrics writes the Prometheus text format/],
    [['--metrics', '--snapshot'], /--snapshot and --metrics are two modes: give one/],
    [['--metrics', '--dry-run'], /--dry-run goes with --reap or --shutdown/],
  ])('%j: one line on stderr, exit 2, nothing on stdout', async (args, msg) => {
    const r = await orchTop(args as string[]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('tmux missing: one line, exit 2, and no exposition (the textfile collector keeps its last file)', async () => {
    const r = await orchTop(['--metrics', '-L', 'whatever'], { ORCH_TOP_TMUX: '/nonexistent/tmux' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^orch-top: tmux not found/);
  });
});

describe('renderMetrics on a leak the engine traced', () => {
  it('counts the leaked process, and promtool finds nothing', async () => {
    const server = pool.tmuxServer('mleak');
    server.newSession('claude-agent-crash', `sh -c "(trap '' HUP; exec sleep 600) & wait"`);
    const shell = server.panePid('=claude-agent-crash:');
    const [child] = await waitFor(() => (childrenOf(shell).length ? childrenOf(shell) : null), 3000, 'the sleeper');
    pool.track(child!);
    pool.orchestrator(MATCH);
    const parsed = parseCli(['--snapshot', '-L', server.socketName, '--orchestrator-match', MATCH], { HOME: dir }, dir);
    if (parsed.kind !== 'run') throw new Error('bad args');
    const engine = new Engine(parsed.config, { env: { HOME: dir }, cwd: dir });
    await waitFor(async () => (await engine.tick()).orchestrators.length === 1, 5000, 'the orchestrator');
    server.tmux('kill-session', '-t', '=claude-agent-crash');
    await waitFor(() => !alive(shell), 3000, 'the pane shell to die');
    const snapshot = await engine.tick();
    expect(snapshot.leaked.map((l) => l.pid)).toEqual([child]);
    const { text } = await renderMetrics({
      snapshot,
      tickMs: 30,
      tickAt: Date.now(),
      acts: { exited: 0, killed: 0, gone: 0, 'skipped-reused': 0, denied: 0, failed: 0 },
      historyBytes: 4096,
    });
    expect(formatProblems(text)).toEqual([]);
    const f = parseExposition(text);
    expect(seriesValue(f, 'orch_top_leaked_processes')).toBe(1);
    expect(seriesValue(f, 'orch_top_findings', { kind: 'leaked' })).toBe(1);
    expect(sumOf(f, 'orch_top_agent_sessions')).toBe(0);
    expect(seriesValue(f, 'orch_top_orchestrators_running')).toBe(1);
    if (PROMTOOL) expect(await promtoolCheck(text)).toEqual({ exitCode: 0, said: '' });
  });
});

describe("contrib/'s alert rules", () => {
  it.skipIf(!PROMTOOL)('pass promtool check rules and their own rule tests', async () => {
    const check = await execa(PROMTOOL!, ['check', 'rules', join(RULES, 'orch-top.rules.yml')], { reject: false, timeout: 10_000 });
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: 6 rules found/);
    const test = await execa(PROMTOOL!, ['test', 'rules', 'orch-top.rules.test.yml'], { cwd: RULES, reject: false, timeout: 20_000 });
    expect(test.exitCode, `${test.stdout}${test.stderr}`).toBe(0);
  });
});
