// `orch-top --reap`, `--dry-run` and `--shutdown` as a user (or a cron job) runs them, on a real private
// tmux server with orphan agent sessions (one with a HUP-ignoring tree), a zombie maker, a personal
// session and a look-alike process; the world is checked afterwards with tmux and /proc.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { ProcessPool, ZOMBIE_MAKER_PERL, alive, childrenOf, procState, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const pool = new ProcessPool();
let dir: string;
let stateHome: string;
const MATCH = `fake_orchestrator_cleanup_${process.pid}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-cleanup-'));
  writeFileSync(join(dir, 'zombies.pl'), ZOMBIE_MAKER_PERL);
});
beforeEach(() => {
  stateHome = mkdtempSync(join(dir, 'state-'));
});
afterEach(() => pool.teardown());
afterAll(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

function orchTop(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: stateHome, CLAUDE_ORCHESTRATOR_WORKSPACE: '', ...env },
    cwd: dir,
    timeout: 30_000,
  });
}

interface World {
  server: TmuxServerFixture;
  hupShell: number;
  hupKids: number[];
  zombieParent: number;
  zombies: number[];
  scratch: number;
  lookalike: number;
}

/** Orphan agent sessions (one HUP-ignoring tree, one zombie maker), a personal session, a look-alike. */
async function messyWorld(): Promise<World> {
  const server = pool.tmuxServer('reap');
  server.newSession('claude-agent-plain', 'sleep 600');
  server.newSession('claude-agent-hup', `sh -c "trap '' HUP; sleep 600 & sleep 600 & wait"`);
  server.newSession('claude-agent-zombies', `exec perl ${join(dir, 'zombies.pl')} 3`);
  server.newSession('scratch', 'sleep 600');
  const hupShell = server.panePid('=claude-agent-hup:');
  const hupKids = await waitFor(() => (childrenOf(hupShell).length === 2 ? childrenOf(hupShell) : null), 3000, 'two sleepers');
  hupKids.forEach((k) => pool.track(k));
  const zombieParent = server.panePid('=claude-agent-zombies:');
  const zombies = await waitFor(
    () => {
      const z = childrenOf(zombieParent).filter((c) => procState(c) === 'Z');
      return z.length === 3 ? z : null;
    },
    5000,
    'three zombies',
  );
  const lookalike = pool.spawn('bash', ['-c', 'exec -a claude-agent-plain sleep 600']).pid!;
  return { server, hupShell, hupKids, zombieParent, zombies, scratch: server.panePid('=scratch:'), lookalike };
}

const auditPath = () => join(stateHome, 'orch-top', 'audit.jsonl');
const auditLines = () =>
  readFileSync(auditPath(), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('orch-top --reap', () => {
  it('--dry-run prints the plan and touches nothing', async () => {
    const w = await messyWorld();
    const before = w.server.sessions();
    const r = await orchTop(['--reap', '--dry-run', '-L', w.server.socketName, '--orchestrator-match', MATCH]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^PLAN {2}reap/);
    expect(r.stdout).toMatch(/session \$\d+ claude-agent-hup \(3 processes\)/);
    expect(r.stdout).toMatch(/3 zombies of pid \d+/);
    expect(r.stdout).toContain('dry run: nothing was touched');
    expect(r.stdout).not.toContain('scratch');
    expect(w.server.sessions()).toEqual(before);
    for (const pid of [w.hupShell, ...w.hupKids, w.zombieParent, w.scratch, w.lookalike]) expect(alive(pid)).toBe(true);
    for (const z of w.zombies) expect(procState(z)).toBe('Z');
    expect(existsSync(auditPath())).toBe(false);

    const j = await orchTop(['--reap', '--dry-run', '--json', '-L', w.server.socketName, '--orchestrator-match', MATCH]);
    const doc = JSON.parse(j.stdout) as { plan: { kind: string }[]; results: unknown[]; dryRun: boolean };
    expect(doc.dryRun).toBe(true);
    expect(doc.plan.map((s) => s.kind).sort()).toEqual(['session', 'session', 'session', 'zombies']);
    expect(doc.results).toEqual([]);
  });

  it('--reap --grace 2s leaves only the personal session and the look-alike, no zombies, exit 0', async () => {
    const w = await messyWorld();
    const r = await orchTop(['--reap', '--json', '--grace', '2s', '-L', w.server.socketName, '--orchestrator-match', MATCH]);
    expect(r.stderr).toBe('');
    expect(r.exitCode, r.stdout).toBe(0);
    expect(w.server.sessions()).toEqual(['scratch']);
    for (const pid of [w.hupShell, ...w.hupKids, w.zombieParent]) expect(alive(pid)).toBe(false);
    expect(alive(w.scratch)).toBe(true);
    expect(alive(w.lookalike)).toBe(true);
    await waitFor(() => w.zombies.every((z) => procState(z) === null), 5000, 'the zombies to be reaped');

    const doc = JSON.parse(r.stdout) as Snapshot & {
      plan: unknown[];
      results: { outcome: string; target: { kind: string } }[];
      clean: boolean;
      before: Snapshot['summary'];
    };
    expect(doc.version).toBe(1);
    expect(doc.clean).toBe(true);
    expect(doc.before).toMatchObject({ orphans: 3, zombies: 3 });
    expect(doc.summary).toMatchObject({ orphans: 0, zombies: 0, leaked: 0 });
    expect(doc.plan).toHaveLength(4);
    expect(
      doc.results
        .filter((x) => x.target.kind === 'session')
        .map((x) => x.outcome)
        .every((o) => o === 'killed' || o === 'exited'),
    ).toBe(true);
    expect(doc.results.every((x) => ['exited', 'killed'].includes(x.outcome))).toBe(true);

    // Every act is in the audit log, mode 0600.
    expect(statSync(auditPath()).mode & 0o777).toBe(0o600);
    const lines = auditLines();
    expect(lines[0]).toMatchObject({ event: 'plan', mode: 'reap' });
    expect(lines.filter((l) => l.event === 'signal' && l.signal === 'SIGTERM').map((l) => l.pid)).toEqual(expect.arrayContaining([w.hupShell, ...w.hupKids]));
    expect(lines.filter((l) => l.event === 'result')).toHaveLength(doc.results.length);
    expect(lines.at(-1)).toMatchObject({ event: 'done', clean: true, message: 'cleanup completed' });
  });

  it('prints a readable report and says nothing is left', async () => {
    const w = await messyWorld();
    const r = await orchTop(['--reap', '--grace', '1s', '-L', w.server.socketName, '--orchestrator-match', MATCH]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/RESULTS {2}\d+ targets in \d+(\.\d)? m?s: /);
    expect(r.stdout).toMatch(/AFTER {2}0 agent sessions, 0 orphans, 0 leaked processes, 0 zombies/);
  });

  it('nothing to do is a clean exit that writes nothing', async () => {
    const server = pool.tmuxServer('noop');
    server.newSession('scratch', 'sleep 600');
    const r = await orchTop(['--reap', '-L', server.socketName, '--orchestrator-match', MATCH]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('nothing to do');
    expect(existsSync(auditPath())).toBe(false);
  });

  it('an audit log that cannot be written stops it before anything is touched (exit 2)', async () => {
    const w = await messyWorld();
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const r = await orchTop(['--reap', '--audit-log', join(blocker, 'audit.jsonl'), '-L', w.server.socketName, '--orchestrator-match', MATCH]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/audit log .*: a parent is not a directory .*nothing was touched/);
    expect(w.server.sessions()).toHaveLength(4);
    expect(alive(w.hupShell)).toBe(true);
  });

  it('Ctrl-C while it waits out the grace period cancels: nothing more is signalled, exit 130', async () => {
    const server = pool.tmuxServer('cancel');
    server.newSession('claude-agent-stubborn', `sh -c "trap '' TERM HUP; sleep 600"`);
    const shell = server.panePid('=claude-agent-stubborn:');
    pool.track(shell); // it survives the cancelled cleanup on purpose, outside any session
    const run = orchTop(['--reap', '--grace', '20s', '-L', server.socketName, '--orchestrator-match', MATCH]);
    await waitFor(
      () => existsSync(auditPath()) && auditLines().some((l) => l.event === 'signal' && l.pid === shell && l.signal === 'SIGTERM'),
      10_000,
      'the SIGTERM to be sent',
    );
    const t0 = Date.now();
    run.kill('SIGINT');
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/SIGINT: cancelling; nothing more will be signalled/);
    expect(alive(shell)).toBe(true); // no SIGKILL was sent
    const lines = auditLines();
    expect(lines.some((l) => l.event === 'signal' && l.signal === 'SIGKILL')).toBe(false);
    expect(lines.find((l) => l.event === 'result' && (l.target as { pid?: number }).pid === shell)).toMatchObject({
      outcome: 'failed',
      detail: 'cancelled after SIGTERM: still running',
    });
    expect(lines.at(-1)).toMatchObject({ event: 'done', clean: false });
    expect(String(lines.at(-1)!.message)).toMatch(/^cancelled \(SIGINT\)/);
  });

  it.each([
    [['--dry-run'], /--dry-run goes with --reap or --shutdown/],
    [['--reap', '--grace', 'soon'], /--grace: 'soon' is not a duration/],
    [['--reap', '--grace', '11m'], /--grace: at most 10m/],
    [['--reap', '--snapshot'], /two modes: give one/],
    [['--reap', '--shutdown'], /two modes: give one/],
    [['--reap', '--audit-log', ''], /--audit-log: the path is empty/],
  ])('%j: one line, exit 2', async (args, msg) => {
    const r = await orchTop(args as string[]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });
});

describe('orch-top --shutdown', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(dir, 'ws-'));
    mkdirSync(join(ws, 'registry'));
  });

  /** A fake orchestrator serving `ws`, with a child; on SIGTERM it ignores it, or exits after a clean-up pause. */
  async function orchestrator(onTerm: 'ignore' | 'exit') {
    const body =
      onTerm === 'ignore'
        ? "process.on('SIGTERM', () => {}); require('child_process').spawn('sleep', ['600'], { stdio: 'ignore' }); setInterval(() => {}, 1e6)"
        : "const c = require('child_process').spawn('sleep', ['600'], { stdio: 'ignore' }); process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300)); setInterval(() => {}, 1e6)";
    const cp = pool.orchestrator(MATCH, body, { env: { CLAUDE_ORCHESTRATOR_WORKSPACE: ws } });
    const child = await waitFor(() => childrenOf(cp.pid!)[0], 3000, 'the orchestrator child');
    pool.track(child);
    return { pid: cp.pid!, child };
  }

  it('stops a SIGTERM-ignoring orchestrator at the end of the grace period, ends its sessions, writes shutdown_state.json', async () => {
    const server = pool.tmuxServer('shut');
    server.newSession('claude-agent-a', 'sleep 600');
    server.newSession('claude-agent-b', `sh -c "trap '' HUP; sleep 600 & wait"`);
    server.newSession('scratch', 'sleep 600');
    const o = await orchestrator('ignore');
    const t0 = Date.now();
    const r = await orchTop(['--shutdown', '--grace', '2s', '-L', server.socketName, '--orchestrator-match', MATCH, '--workspace', ws]);
    const took = Date.now() - t0;
    expect(r.exitCode).toBe(0);
    expect(alive(o.pid)).toBe(false);
    expect(alive(o.child)).toBe(false);
    expect(server.sessions()).toEqual(['scratch']);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('cleanup completed');
    expect(r.stderr).toContain(`shutdown state written to ${join(ws, 'shutdown_state.json')}`);

    const state = JSON.parse(readFileSync(join(ws, 'shutdown_state.json'), 'utf8'));
    expect(state).toMatchObject({ version: 1, graceMs: 2000, cleanupCompleted: true, survived: [] });
    expect(state.orchestrator).toMatchObject({ pid: o.pid, outcome: 'killed', sent: ['SIGTERM', 'SIGKILL'], workspace: ws });
    expect(state.log.at(-1)).toBe('cleanup completed');
    expect(state.stopped.some((s: { target: { kind: string; name?: string } }) => s.target.kind === 'session' && s.target.name === 'claude-agent-b')).toBe(
      true,
    );
    // The figure is printed by the bench; here only that it was one grace period and not two.
    expect(took).toBeLessThan(2_000 * 2 + 2_000);
    const lines = auditLines();
    expect(lines.at(-1)).toMatchObject({ event: 'done', message: 'cleanup completed' });
  });

  it('gives an orchestrator that exits on SIGTERM the time to do so: it exits by itself, it is not killed', async () => {
    const server = pool.tmuxServer('shut2');
    server.newSession('claude-agent-a', 'sleep 600');
    const o = await orchestrator('exit');
    const r = await orchTop(['--shutdown', '--json', '--grace', '3s', '-L', server.socketName, '--orchestrator-match', MATCH, '--workspace', ws]);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as { results: { target: { pid?: number }; outcome: string; sent: string[] }[]; clean: boolean };
    expect(doc.results.find((x) => x.target.pid === o.pid)).toMatchObject({ outcome: 'exited', sent: ['SIGTERM'] });
    expect(doc.clean).toBe(true);
    expect(server.sessions()).toEqual([]);
  });

  it('refuses when two orchestrators run and none is chosen, and touches nothing', async () => {
    const server = pool.tmuxServer('shut3');
    server.newSession('claude-agent-a', 'sleep 600');
    const a = await orchestrator('ignore');
    const b = await orchestrator('ignore');
    const r = await orchTop(['--shutdown', '-L', server.socketName, '--orchestrator-match', MATCH]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/2 orchestrators are running .*choose one with --orchestrator-pid or --workspace.*nothing was touched/);
    expect(alive(a.pid) && alive(b.pid)).toBe(true);
    expect(server.sessions()).toEqual(['claude-agent-a']);
    // --orchestrator-pid chooses.
    const dry = await orchTop(['--shutdown', '--dry-run', '-L', server.socketName, '--orchestrator-pid', String(b.pid)]);
    expect(dry.stdout).toMatch(new RegExp(`orchestrator pid ${b.pid} and 1 child`));
  });
});

describe('pane memory between runs (cron)', () => {
  it('a later --reap traces what a pane left after the orchestrator killed its session between two runs', async () => {
    const ws = mkdtempSync(join(dir, 'ws-mem-'));
    mkdirSync(join(ws, 'registry'));
    writeFileSync(
      join(ws, 'registry', 'GLOBAL_REGISTRY.json'),
      JSON.stringify({ agents: { 'worker-101010-abcdef': { task_id: 'TASK-1', status: 'running', tmux_session: 'agent_worker-101010-abcdef' } } }),
    );
    pool.orchestrator(MATCH, undefined, { env: { CLAUDE_ORCHESTRATOR_WORKSPACE: ws } });
    const server = pool.tmuxServer('mem');
    server.newSession('agent_worker-101010-abcdef', `sh -c "trap '' HUP; sleep 600 & wait"`);
    const shell = server.panePid('=agent_worker-101010-abcdef:');
    const [kid] = await waitFor(() => (childrenOf(shell).length ? childrenOf(shell) : null), 3000, 'the sleeper');
    pool.track(shell);
    pool.track(kid!);
    const args = ['-L', server.socketName, '--orchestrator-match', MATCH, '--workspace', ws];
    await waitFor(async () => JSON.parse((await orchTop(['--snapshot', '--json', ...args])).stdout).orchestrators.length === 1, 5000, 'the orchestrator');

    // Run 1 (cron): everything is owned, nothing to do; it remembers the panes it saw.
    const first = await orchTop(['--reap', ...args]);
    expect(first.exitCode).toBe(0);
    const memory = join(stateHome, 'orch-top', 'panes.json');
    expect(statSync(memory).mode & 0o777).toBe(0o600);

    // Between runs the orchestrator kills the session; the SIGHUP-proof shell and its child live on.
    server.tmux('kill-session', '-t', '=agent_worker-101010-abcdef');
    await waitFor(() => server.sessions().length === 0, 3000, 'the session to go');
    expect(alive(shell) && alive(kid!)).toBe(true);

    // Without the memory they cannot be traced: listed as untraced leftovers, never touched.
    const blind = JSON.parse((await orchTop(['--snapshot', '--json', ...args], { XDG_STATE_HOME: mkdtempSync(join(dir, 'blind-')) })).stdout) as Snapshot;
    expect(blind.leaked).toEqual([]);
    expect(blind.strays.map((s) => s.pid).sort()).toEqual([shell, kid!].sort());

    // With it, they are leaked processes of that agent, and run 2 removes them.
    const seen = JSON.parse((await orchTop(['--snapshot', '--json', ...args])).stdout) as Snapshot;
    expect(seen.leaked.map((l) => l.pid).sort()).toEqual([shell, kid!].sort());
    expect(seen.leaked.find((l) => l.pid === shell)!.reason).toMatch(/^its pane %\d+ of agent_worker-101010-abcdef is gone$/);
    const second = await orchTop(['--reap', '--grace', '1s', ...args]);
    expect(second.exitCode).toBe(0);
    expect(alive(shell)).toBe(false);
    expect(alive(kid!)).toBe(false);
  });
});
