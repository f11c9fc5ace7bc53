// The executor on real things: private tmux servers, real process trees, real zombies. Each test makes
// the world, plans from a real snapshot, executes, and checks the world with its own eyes (/proc, tmux).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { executePlan, type ActEvent, type ActResult, type ExecuteOptions } from '../../src/actions/execute.js';
import { makeLooker } from '../../src/cli/looker.js';
import { parseCli, type Config } from '../../src/config.js';
import { makePlan, type Intent, type Plan } from '../../src/model/plan.js';
import { ProcessPool, ZOMBIE_MAKER_PERL, alive, childrenOf, procState, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-exec-'));
  writeFileSync(join(dir, 'zombies.pl'), ZOMBIE_MAKER_PERL);
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NO_ORCH = 'no_such_orchestrator_for_orchtop_exec_tests';

function configFor(server: TmuxServerFixture, extra: string[] = []): Config {
  const r = parseCli(['--reap', '-L', server.socketName, '--orchestrator-match', NO_ORCH, ...extra], { HOME: dir }, dir);
  if (r.kind !== 'run') throw new Error('bad args');
  return r.config;
}

async function planFor(server: TmuxServerFixture, intent: Intent = { kind: 'reap' }, graceMs = 1_000, extra: string[] = []) {
  const config = configFor(server, extra);
  const looker = makeLooker(config, { env: { HOME: dir }, cwd: dir, extraWorkspaces: [] });
  const snap = await looker.look();
  // The executor looks again through the same engine and history, as --reap does.
  const exec = (plan: Plan, opts: ExecuteOptions = {}) => executePlan(plan, { look: () => looker.look(0), ...opts });
  return { snap, plan: makePlan(snap, intent, { graceMs, server: config.server }), looker, exec };
}

const byTarget = (results: ActResult[]) => {
  const m = new Map<string, ActResult>();
  for (const r of results) m.set(r.target.kind === 'session' ? r.target.name : `${r.target.kind}:${r.target.pid}`, r);
  return m;
};

/** A pane command whose shell ignores SIGHUP and whose background children ignore it too. */
const HUP_TREE = `sh -c "trap '' HUP; sleep 600 & sleep 600 & wait"`;

describe('executing a plan', () => {
  it('kills an orphan session whose shell ignores SIGHUP, with every background child', async () => {
    const s = pool.tmuxServer('hup');
    s.newSession('claude-agent-hup', HUP_TREE);
    const shell = s.panePid('=claude-agent-hup:');
    const kids = await waitFor(() => (childrenOf(shell).length === 2 ? childrenOf(shell) : null), 3000, 'two sleepers');
    kids.forEach((k) => pool.track(k));
    const { plan, exec } = await planFor(s);
    expect(plan.steps).toHaveLength(1);
    const step = plan.steps[0]!;
    expect(step.kind).toBe('session');
    if (step.kind !== 'session') return;
    expect(step.session.name).toBe('claude-agent-hup');
    expect(step.processes.map((p) => p.pid).sort()).toEqual([shell, ...kids].sort());
    for (const p of step.processes) expect(p.startTime).toBeGreaterThan(0);

    const ex = await exec(plan);
    expect(ex.clean).toBe(true);
    for (const pid of [shell, ...kids]) expect(alive(pid)).toBe(false);
    expect(s.sessions()).toEqual([]);
    const r = byTarget(ex.results);
    expect(r.get('claude-agent-hup')?.outcome).toMatch(/killed|exited/);
    // sh and sleep do not ignore SIGTERM: they exit on it, nothing needed SIGKILL.
    for (const pid of [shell, ...kids]) expect(r.get(`process:${pid}`)).toMatchObject({ outcome: 'exited', sent: ['SIGTERM'] });
  });

  it('SIGKILLs what ignores SIGTERM too, once the grace period is over', async () => {
    const s = pool.tmuxServer('term');
    s.newSession('claude-agent-stubborn', `sh -c "trap '' TERM HUP; sleep 600 & wait"`);
    const shell = s.panePid('=claude-agent-stubborn:');
    const [kid] = await waitFor(() => (childrenOf(shell).length ? childrenOf(shell) : null), 3000, 'a sleeper');
    pool.track(kid!);
    const { plan, exec } = await planFor(s, { kind: 'reap' }, 600);
    const ex = await exec(plan);
    expect(alive(shell)).toBe(false);
    expect(alive(kid!)).toBe(false);
    const r = byTarget(ex.results);
    expect(r.get(`process:${kid}`)).toMatchObject({ outcome: 'killed', sent: ['SIGTERM', 'SIGKILL'] });
    expect(r.get(`process:${kid}`)!.ms).toBeGreaterThanOrEqual(600);
    expect(s.sessions()).toEqual([]);
  });

  it('what was started in the session after planning is found by a fresh look and ends with it', async () => {
    const s = pool.tmuxServer('late');
    const id = s.newSession('claude-agent-late', 'sleep 600');
    const { plan, exec } = await planFor(s);
    const late = Number(s.tmux('split-window', '-P', '-F', '#{pane_pid}', '-t', id, 'sleep 601').trim());
    pool.track(late);
    const ex = await exec(plan);
    expect(byTarget(ex.results).get(`process:${late}`)).toMatchObject({ outcome: 'exited', detail: 'found in the session at execution' });
    expect(alive(late)).toBe(false);
    expect(s.sessions()).toEqual([]);
  });

  it('leaves a non-agent session and a look-alike process outside tmux alone', async () => {
    const s = pool.tmuxServer('alone');
    s.newSession('claude-agent-x', 'sleep 600');
    s.newSession('scratch', 'sleep 600');
    const lookalike = pool.spawn('bash', ['-c', 'exec -a claude-agent-x sleep 600']).pid!;
    const scratch = s.panePid('=scratch:');
    const { plan, exec } = await planFor(s);
    expect(plan.steps.map((x) => (x.kind === 'session' ? x.session.name : x.kind))).toEqual(['claude-agent-x']);
    await exec(plan);
    expect(s.sessions()).toEqual(['scratch']);
    expect(alive(scratch)).toBe(true);
    expect(alive(lookalike)).toBe(true);
  });

  it('kills by id: claude-agent-10 survives when claude-agent-1 vanished after planning', async () => {
    const s = pool.tmuxServer('prefix');
    s.newSession('claude-agent-1', 'sleep 600');
    const ten = s.newSession('claude-agent-10', 'sleep 600');
    const { plan, exec } = await planFor(s, {
      kind: 'kill-session',
      sessionId: s.tmux('display-message', '-p', '-t', '=claude-agent-1:', '#{session_id}').trim(),
    });
    expect(plan.steps).toHaveLength(1);
    s.tmux('kill-session', '-t', '=claude-agent-1');
    const ex = await exec(plan);
    expect(byTarget(ex.results).get('claude-agent-1')?.outcome).toBe('gone');
    expect(ex.results.filter((r) => r.target.kind === 'process')).toEqual([]);
    expect(s.sessions()).toEqual(['claude-agent-10']);
    expect(s.tmux('display-message', '-p', '-t', '=claude-agent-10:', '#{session_id}').trim()).toBe(ten);
  });

  it('a target that exits between plan and act is gone; a reused pid is skipped', async () => {
    const s = pool.tmuxServer('race');
    s.newSession('scratch', 'sleep 600');
    const leaver = pool.spawn('sleep', ['600']);
    const reused = pool.spawn('sleep', ['600']);
    const { snap, exec } = await planFor(s);
    // A plan that names two real processes: one exits before the act, one's start time no longer matches.
    const plan: Plan = {
      ...makePlan(snap, { kind: 'kill-leaked' }, { graceMs: 500, server: { socketName: s.socketName } }),
      steps: [
        {
          id: 1,
          phase: 1,
          kind: 'leaked',
          reason: 'test',
          processes: [{ pid: leaver.pid!, startTime: start(leaver.pid!), command: 'sleep 600', role: 'leaked' }],
        },
        {
          id: 2,
          phase: 1,
          kind: 'leaked',
          reason: 'test',
          processes: [{ pid: reused.pid!, startTime: start(reused.pid!) - 1, command: 'sleep 600', role: 'leaked' }],
        },
      ],
    };
    leaver.kill('SIGKILL');
    await waitFor(() => procState(leaver.pid!) === null, 3000, 'the leaver to be reaped');
    const ex = await exec(plan);
    const r = byTarget(ex.results);
    expect(r.get(`process:${leaver.pid}`)?.outcome).toBe('gone');
    expect(r.get(`process:${reused.pid}`)?.outcome).toBe('skipped-reused');
    expect(r.get(`process:${reused.pid}`)?.sent).toEqual([]);
    expect(alive(reused.pid!)).toBe(true);
    expect(ex.clean).toBe(true);
  });

  it('EPERM is denied, reported once and not retried', async () => {
    const s = pool.tmuxServer('eperm');
    s.newSession('claude-agent-locked', 'sleep 600');
    const pane = s.panePid('=claude-agent-locked:');
    const { plan, exec } = await planFor(s, { kind: 'reap' }, 300);
    let calls = 0;
    const ex = await exec(plan, {
      signal: (pid, sig) => {
        if (pid === pane) {
          calls++;
          throw Object.assign(new Error(`kill ${sig}: EPERM`), { code: 'EPERM' });
        }
        process.kill(pid, sig);
      },
    });
    const r = byTarget(ex.results).get(`process:${pane}`)!;
    expect(r.outcome).toBe('denied');
    expect(calls).toBe(1);
    expect(ex.clean).toBe(false);
    expect(ex.remaining.map((x) => x.outcome)).toContain('denied');
  });

  it('zombies in scope: SIGCHLD first, then the parent is terminated and they are reaped', async () => {
    const s = pool.tmuxServer('zin');
    // A leaked-looking zombie maker cannot be made without history; an orphan session's one is in scope.
    s.newSession('claude-agent-zombies', `exec perl ${join(dir, 'zombies.pl')} 3`);
    const parent = s.panePid('=claude-agent-zombies:');
    const zombies = await waitFor(
      () => {
        const z = childrenOf(parent).filter((c) => procState(c) === 'Z');
        return z.length === 3 ? z : null;
      },
      5000,
      'three zombies',
    );
    const { plan, exec } = await planFor(s, { kind: 'reap-zombies' }, 500);
    expect(plan.steps).toHaveLength(1);
    const step = plan.steps[0]!;
    expect(step.kind === 'zombies' && step.zombies.map((z) => z.pid).sort()).toEqual([...zombies].sort());
    const ex = await exec(plan);
    for (const z of zombies) expect(procState(z)).toBeNull();
    const r = byTarget(ex.results);
    // The maker ignores SIGCHLD (it reaps only on SIGTERM): it had to be terminated.
    expect(r.get(`process:${parent}`)).toMatchObject({ outcome: 'exited', sent: ['SIGCHLD', 'SIGTERM'] });
    for (const z of zombies) expect(r.get(`zombie:${z}`)?.outcome).toBe('exited');
    expect(ex.clean).toBe(true);
  });

  it('zombies out of scope are left alone and reported', async () => {
    const s = pool.tmuxServer('zout');
    s.newSession('scratch', 'sleep 600');
    const { pid, zombies } = await pool.zombieMaker(2);
    const { plan, exec } = await planFor(s);
    expect(plan.steps).toEqual([]);
    expect(plan.left.map((l) => l.what).join('\n')).toContain(`2 zombies of pid ${pid}`);
    await exec(plan);
    for (const z of zombies) expect(procState(z)).toBe('Z');
    expect(alive(pid)).toBe(true);
  });

  it('zombies of the tmux server (dead panes it lost track of) get a SIGCHLD nudge, and the server is never terminated', async () => {
    // Stand-ins for a tmux server that lost a SIGCHLD: one reaps on the next SIGCHLD (as tmux does),
    // one never reaps (only on SIGTERM, which it must never get).
    const lateReaper = pool.spawn('perl', [
      '-e',
      `use POSIX (); $| = 1; for (1..2) { my $p = fork(); POSIX::_exit(0) if $p == 0 } sleep 1;
      $SIG{CHLD} = sub { 1 while waitpid(-1, POSIX::WNOHANG()) > 0 }; print "ready\\n"; sleep 1 while 1;`,
    ]).pid!;
    const zombiesOf = (pid: number, n: number) =>
      waitFor(() => (childrenOf(pid).filter((c) => procState(c) === 'Z').length === n ? childrenOf(pid) : null), 5000, `${n} zombies of ${pid}`);
    const nudged = await zombiesOf(lateReaper, 2);
    await new Promise((r) => setTimeout(r, 1200)); // its SIGCHLD handler is installed after a second
    const never = await pool.zombieMaker(2);
    const s = pool.tmuxServer('nudge');
    s.newSession('scratch', 'sleep 600');
    const { snap } = await planFor(s);
    const step = (id: number, parent: number, zombies: number[]) => ({
      id,
      phase: 1,
      kind: 'zombies' as const,
      reason: 'test',
      parentStep: null,
      nudgeOnly: true,
      parent: { pid: parent, startTime: start(parent), command: 'tmux', role: 'tmux-server' },
      zombies: zombies.map((z) => ({ pid: z, startTime: start(z), command: '[z]', role: 'zombie' })),
    });
    const base = makePlan(snap, { kind: 'reap-zombies' }, { graceMs: 500, server: { socketName: s.socketName } });
    const r1 = await executePlan({ ...base, serverPid: lateReaper, steps: [step(1, lateReaper, nudged)] });
    expect(r1.results.filter((r) => r.target.kind === 'zombie').map((r) => [r.outcome, r.detail])).toEqual([
      ['exited', 'reaped by the tmux server after SIGCHLD'],
      ['exited', 'reaped by the tmux server after SIGCHLD'],
    ]);
    for (const z of nudged) expect(procState(z)).toBeNull();
    const r2 = await executePlan({ ...base, serverPid: never.pid, steps: [step(1, never.pid, never.zombies)] });
    expect(r2.results.map((r) => [r.target.kind, r.outcome])).toEqual([
      ['zombie', 'failed'],
      ['zombie', 'failed'],
    ]);
    expect(r2.results[0]!.detail).toBe('still defunct: the tmux server has not reaped it');
    expect(alive(never.pid)).toBe(true); // nudged, never terminated
    for (const z of never.zombies) expect(procState(z)).toBe('Z');
  });

  it('50 orphan sessions that ignore SIGTERM take about one grace period, not fifty', async () => {
    const s = pool.tmuxServer('fifty');
    for (let i = 0; i < 50; i++) s.newSession(`claude-agent-${i}`, `sh -c "trap '' TERM HUP; sleep 600"`);
    const { plan, exec } = await planFor(s, { kind: 'reap' }, 1_000);
    expect(plan.steps.filter((x) => x.kind === 'session')).toHaveLength(50);
    const events: ActEvent[] = [];
    const ex = await exec(plan, { onEvent: (e) => events.push(e) });
    expect(s.sessions()).toEqual([]);
    expect(ex.clean).toBe(true);
    expect(ex.results.filter((r) => r.target.kind === 'process').every((r) => r.outcome === 'killed')).toBe(true);
    // Sequential would be 50 s; one shared grace period is 1 s plus the kill and verify.
    expect(ex.durationMs).toBeLessThan(5_000);
    expect(events.some((e) => e.event === 'progress')).toBe(true);
  });
});

const start = (pid: number) => Number(require_stat(pid)[19]);
function require_stat(pid: number): string[] {
  const text = require_read(`/proc/${pid}/stat`);
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}
import { readFileSync as require_read_sync } from 'node:fs';
function require_read(p: string): string {
  return require_read_sync(p, 'utf8');
}
