// Resource limits on a real world: a private tmux server with live agent sessions of a running (fake)
// orchestrator, one that grows past maxRss (perl allocating), one that forks past maxProcesses, one
// idle past maxIdle, one busy within every limit, and a personal session as fat as the grower. The
// snapshot sees each over its limit; `--reap` alone ends nothing for a limit; `--reap
// --enforce-limits` ends exactly the three, through the plan and the audit log.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { orchTop, writeWorkspace } from '../attack/attack-world.js';
import { ProcessPool, alive, childrenOf, descendantsOf, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
const MATCH = `fake_orchestrator_limits_${process.pid}`;
const GROW = `exec perl -e '$x = "x" x (200 * 1024 * 1024); sleep 600'`;
// About 30 % of a core in short bursts: every look sees it use CPU, so it is never idle.
const BUSY = `exec perl -MTime::HiRes=time -e 'while (1) { my $e = time + 0.03; 1 while time < $e; select(undef, undef, undef, 0.07) }'`;
const FORK = `sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 600 & done; wait'`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-limits-'));
});
afterEach(() => pool.teardown());
afterAll(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

interface World {
  server: TmuxServerFixture;
  ws: string;
  pane: Record<'grow' | 'fork' | 'idle' | 'busy' | 'scratch', number>;
}

async function world(): Promise<World> {
  const ws = writeWorkspace(mkdtempSync(join(dir, 'ws-')), [
    { id: 'grow', session: 'agent_grow', status: 'running' },
    { id: 'fork', session: 'agent_fork', status: 'running' },
    { id: 'idle', session: 'agent_idle', status: 'running' },
    { id: 'busy', session: 'agent_busy', status: 'running' },
  ]);
  pool.orchestrator(MATCH, undefined, { env: { CLAUDE_ORCHESTRATOR_WORKSPACE: ws } });
  const server = pool.tmuxServer('limits');
  server.newSession('agent_grow', GROW);
  server.newSession('agent_fork', FORK);
  server.newSession('agent_idle', 'sleep 600');
  server.newSession('agent_busy', BUSY);
  server.newSession('scratch', GROW);
  const pane = {
    grow: server.panePid('=agent_grow:'),
    fork: server.panePid('=agent_fork:'),
    idle: server.panePid('=agent_idle:'),
    busy: server.panePid('=agent_busy:'),
    scratch: server.panePid('=scratch:'),
  };
  await waitFor(() => rssOf(pane.grow) > 150 * 2 ** 20 && rssOf(pane.scratch) > 150 * 2 ** 20, 10_000, 'the growers past 150 MiB');
  await waitFor(() => childrenOf(pane.fork).length === 12, 5_000, 'twelve forks');
  return { server, ws, pane };
}

function config(hard: boolean): string {
  const path = join(dir, `limits-${hard}.json`);
  const limit = (value: string | number) => (hard ? { value, hard: true } : value);
  writeFileSync(path, JSON.stringify({ limits: { maxRss: limit('120MiB'), maxProcesses: limit(8), maxIdle: limit('1500ms') } }));
  return path;
}

const run = (w: World, cfg: string, ...args: string[]) =>
  orchTop(dir, [
    '-L',
    w.server.socketName,
    '--workspace',
    w.ws,
    '--orchestrator-match',
    MATCH,
    '--config',
    cfg,
    '--interval',
    '500ms',
    '--sample',
    '3s',
    ...args,
  ]);

describe('limits on live agent sessions', () => {
  it('the snapshot sees each agent over its limit, counted in the summary; nothing for the busy one or a personal session', async () => {
    const w = await world();
    const r = await run(w, config(false), '--snapshot', '--json');
    expect(r.exitCode, r.stderr).toBe(1);
    const snap = JSON.parse(r.stdout) as Snapshot;
    const byName = (n: string) => snap.overLimit.filter((o) => o.sessionName === n).map((o) => o.limit);
    expect(byName('agent_grow')).toContain('maxRss');
    expect(byName('agent_fork')).toContain('maxProcesses');
    expect(byName('agent_idle')).toEqual(['maxIdle']);
    expect(byName('agent_busy')).toEqual([]);
    expect(snap.overLimit.some((o) => o.sessionName === 'scratch')).toBe(false);
    expect(snap.summary.overLimit).toBe(snap.overLimit.length);
    const rss = snap.overLimit.find((o) => o.limit === 'maxRss')!;
    expect(rss.value).toBeGreaterThan(rss.max);
    expect(rss.by).toBe(rss.value - rss.max);
    expect(rss.hard).toBe(false);
    const idle = snap.overLimit.find((o) => o.limit === 'maxIdle')!;
    expect(idle.value).toBeGreaterThan(1500);
    expect(snap.sessions.every((s) => s.status === 'active')).toBe(true);
  });

  it('--reap without --enforce-limits ends nothing for a limit, and its plan says so', async () => {
    const w = await world();
    const r = await run(w, config(true), '--reap', '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { plan: unknown[]; left: { what: string; why: string }[] };
    expect(doc.plan).toEqual([]);
    expect(doc.left.filter((l) => l.why === 'limits are enforced only with --enforce-limits').length).toBeGreaterThanOrEqual(3);
    for (const pid of Object.values(w.pane)) expect(alive(pid)).toBe(true);
    expect(w.server.sessions()).toEqual(['agent_busy', 'agent_fork', 'agent_grow', 'agent_idle', 'scratch']);
  });

  it('--reap --enforce-limits ends exactly the agents over a hard limit, each as a step of the plan, in the audit log', async () => {
    const w = await world();
    const forks = descendantsOf(w.pane.fork);
    forks.forEach((p) => pool.track(p));
    const r = await run(w, config(true), '--reap', '--enforce-limits', '--grace', '1s', '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { plan: { kind: string; reason: string; session?: { name: string } }[]; clean: boolean };
    expect(doc.plan.map((s) => s.session?.name).sort()).toEqual(['agent_fork', 'agent_grow', 'agent_idle']);
    for (const s of doc.plan) expect(s.reason).toMatch(/^over limit: /);
    expect(w.server.sessions()).toEqual(['agent_busy', 'scratch']);
    for (const pid of [w.pane.grow, w.pane.fork, w.pane.idle, ...forks]) expect(alive(pid)).toBe(false);
    expect(alive(w.pane.busy)).toBe(true);
    expect(alive(w.pane.scratch)).toBe(true);
    const audit = readFileSync(join(dir, 'state', 'orch-top', 'audit.jsonl'), 'utf8');
    expect(audit).toContain('over limit: maxRss');
  });

  it('bad uses: --enforce-limits without --reap, a bad limit in the config: exit 2 naming it, nothing touched', async () => {
    const w = await world();
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ limits: { projects: { web: { maxRss: '-2GB' } } } }));
    const r = await run(w, cfg, '--reap', '--enforce-limits');
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`orch-top: config ${cfg}: limits.projects.web.maxRss: "-2GB" is negative`);
    const r2 = await run(w, config(true), '--snapshot', '--enforce-limits');
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr.trim()).toBe('orch-top: --enforce-limits goes with --reap (or --serve --reap-every)');
    expect(w.server.sessions()).toHaveLength(5);
  });
});
