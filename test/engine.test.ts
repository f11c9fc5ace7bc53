// The engine and store on a real tmux server with real processes and a real (copied) registry.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, type Config } from '../src/config.js';
import { Engine } from '../src/engine.js';
import { createAppStore } from '../src/store/store.js';
import { ProcessPool, waitFor, alive, type TmuxServerFixture } from './helpers/world.js';

const pool = new ProcessPool();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-engine-'));
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFor(server: TmuxServerFixture, extra: string[] = []): Config {
  const r = parseCli(['--snapshot', '-L', server.socketName, '--orchestrator-match', 'fake_orchestrator_for_orchtop_tests', ...extra], { HOME: dir }, dir);
  if (r.kind !== 'run') throw new Error('bad args');
  return r.config;
}
function watcher(config: Config) {
  const engine = new Engine(config, { env: { HOME: dir }, cwd: dir });
  const store = createAppStore({ intervalMs: 1000 });
  return {
    engine,
    store,
    tick: async () => store.getState().ingest(await engine.tick(), 0),
  };
}
/** The first child of a pane process, once it exists (tracked for teardown). */
async function firstChild(pid: number): Promise<number> {
  const child = await waitFor(
    () => {
      const c = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      return c ? Number(c.split(' ')[0]) : null;
    },
    3000,
    `a child of ${pid}`,
  );
  pool.track(child);
  return child;
}
const fakeOrchestrator = () => pool.orchestrator('fake_orchestrator_for_orchtop_tests');

describe('the engine on a real server', () => {
  it('finds the orchestrator by its command line, and its agent sessions are then not orphans', async () => {
    const s = pool.tmuxServer('orch');
    s.newSession('claude-agent-live', 'sleep 600');
    const orch = fakeOrchestrator();
    const w = watcher(configFor(s));
    const snap = await w.tick();
    expect(snap.orchestrator).toMatchObject({ pid: orch.pid, running: true, how: 'match' });
    expect(snap.orchestrator!.fds).toBeGreaterThan(0);
    expect(snap.sessions[0]).toMatchObject({ name: 'claude-agent-live', status: 'orphan', reasons: ['unknown-to-registry'] });
  });

  it('several unrelated matches are several orchestrators (one per project), the oldest first', async () => {
    const s = pool.tmuxServer('ambig');
    s.newSession('scratch', 'sleep 600');
    const first = fakeOrchestrator();
    await waitFor(() => readFileSync(`/proc/${first.pid}/cmdline`, 'utf8').includes('fake_orchestrator'), 3000);
    const second = fakeOrchestrator();
    await waitFor(() => readFileSync(`/proc/${second.pid}/cmdline`, 'utf8').includes('fake_orchestrator'), 3000);
    const snap = await watcher(configFor(s)).tick();
    expect(snap.orchestrator?.pid).toBe(first.pid);
    expect(snap.orchestrators.map((o) => o.pid)).toEqual([first.pid, second.pid]);
    // Neither says where it serves: each is taken to own every workspace.
    expect(snap.orchestrators.map((o) => o.placedBy)).toEqual([null, null]);
    expect(snap.errors).toEqual([]);
  });

  it('finds the orchestrator through a pid file, and says so when the pid file is stale', async () => {
    const s = pool.tmuxServer('pidf');
    s.newSession('scratch', 'sleep 600');
    const orch = fakeOrchestrator();
    const pidfile = join(dir, 'orch.pid');
    writeFileSync(pidfile, `${orch.pid}\n`);
    expect((await watcher(configFor(s, ['--pidfile', pidfile])).tick()).orchestrator?.pid).toBe(orch.pid);
    writeFileSync(pidfile, '999999999');
    const stale = await watcher(configFor(s, ['--pidfile', pidfile])).tick();
    expect(stale.orchestrator).toBeNull();
    expect(stale.errors).toContain(`pid file ${pidfile}: pid 999999999 is not running`);
  });

  it('traces a HUP-ignoring process that outlived its agent session (seen on an earlier tick) as leaked', async () => {
    const s = pool.tmuxServer('leak');
    s.newSession('scratch', 'sleep 600');
    // The pane shell starts a child that ignores SIGHUP, then waits.
    s.newSession('claude-agent-crash', `sh -c "(trap '' HUP; exec sleep 600) & wait"`);
    const panePid = s.panePid('=claude-agent-crash:');
    const child = await firstChild(panePid);
    const orch = fakeOrchestrator();
    const w = watcher(configFor(s));
    const first = await w.tick();
    expect(first.sessions.find((x) => x.name === 'claude-agent-crash')!.processes).toEqual([panePid, child].sort((a, b) => a - b));
    s.tmux('kill-session', '-t', '=claude-agent-crash');
    await waitFor(() => !alive(panePid), 3000, 'the pane shell to die');
    expect(alive(child)).toBe(true); // it ignored SIGHUP
    const second = await w.tick();
    expect(second.sessions.map((x) => x.name)).toEqual([]);
    expect(second.leaked).toHaveLength(1);
    expect(second.leaked[0]).toMatchObject({ pid: child, sessionName: 'claude-agent-crash' });
    expect(second.leaked[0]!.fds).toBe(readdirSync(`/proc/${child}/fd`).length); // watched like any agent process
    expect(second.leaked[0]!.reason).toMatch(/claude-agent-crash is gone/);
    expect(second.summary.leaked).toBe(1);
    expect(orch.pid).toBe(second.orchestrator!.pid);
  });

  it('a pane shell that ignores SIGHUP survives kill-session with its children: all of them are leaked', async () => {
    const s = pool.tmuxServer('hupshell');
    s.newSession('scratch', 'sleep 600');
    s.newSession('claude-agent-stubborn', `sh -c "trap '' HUP; sleep 600 & sleep 600 & wait"`);
    const panePid = s.panePid('=claude-agent-stubborn:');
    pool.track(panePid);
    await waitFor(() => readFileSync(`/proc/${panePid}/task/${panePid}/children`, 'utf8').trim().split(' ').length === 2, 3000, 'two children');
    fakeOrchestrator();
    const w = watcher(configFor(s));
    expect((await w.tick()).sessions[0]!.processes).toHaveLength(3);
    s.tmux('kill-session', '-t', '=claude-agent-stubborn');
    await waitFor(async () => (await w.engine.collect()).tmux[0]!.panes.length === 1, 3000, 'the session to go');
    expect(alive(panePid)).toBe(true);
    const snap = await w.tick();
    expect(snap.leaked.map((l) => l.pid)).toContain(panePid);
    expect(snap.leaked).toHaveLength(3);
    expect(new Set(snap.leaked.map((l) => l.sessionName))).toEqual(new Set(['claude-agent-stubborn']));
  });

  it('the same leftover of a personal session is never called leaked', async () => {
    const s = pool.tmuxServer('personal');
    s.newSession('scratch', 'sleep 600');
    s.newSession('mywork', `sh -c "(trap '' HUP; exec sleep 600) & wait"`);
    const panePid = s.panePid('=mywork:');
    const child = await firstChild(panePid);
    const w = watcher(configFor(s));
    await w.tick();
    s.tmux('kill-session', '-t', '=mywork');
    await waitFor(() => !alive(panePid), 3000, 'the pane shell to die');
    const snap = await w.tick();
    expect(snap.leaked).toEqual([]);
    expect(snap.strays).toEqual([]);
    // And a fresh orch-top, which never saw the session, lists it as an untraced leftover only.
    const fresh = await watcher(configFor(s)).tick();
    expect(fresh.leaked).toEqual([]);
    expect(fresh.strays.map((x) => x.pid)).toEqual([child]);
    expect(fresh.summary.findings).toBe(0);
  });

  it('judges sessions and ghosts by a real registry', async () => {
    const ws = join(dir, 'ws');
    cpSync(join(import.meta.dirname, 'fixtures', 'real-workspace'), ws, { recursive: true });
    const s = pool.tmuxServer('reg');
    // A completed agent's session still running, the working agent's session gone (a ghost), and a
    // personal session that merely starts with agent_.
    s.newSession('agent_code_auditor-213536-71587d', 'sleep 600');
    s.newSession('agent_personal', 'sleep 600');
    fakeOrchestrator();
    const snap = await watcher(configFor(s, ['--workspace', ws])).tick();
    expect(snap.sessions.map((x) => [x.name, x.status, x.reason])).toEqual([['agent_code_auditor-213536-71587d', 'orphan', 'registry says completed']]);
    expect(snap.sessions[0]!.agent).toMatchObject({ agentId: 'code_auditor-213536-71587d', taskId: 'TASK-20251017-213512-5169d812', registrySource: 'json' });
    expect(snap.ghosts.map((g) => g.agentId)).toEqual(['jsonl_architecture_planner-215640-c3f469']);
    expect(snap.tmux[0]!.otherSessions).toBe(1);
    expect(snap.workspaces[0]).toMatchObject({ path: ws, readable: true, error: null });
  });

  it('reports an unreadable registry plainly and keeps working', async () => {
    const ws = join(dir, 'broken');
    cpSync(join(import.meta.dirname, 'fixtures', 'real-workspace'), ws, { recursive: true });
    writeFileSync(join(ws, 'registry', 'GLOBAL_REGISTRY.json'), '{"agents": {');
    const s = pool.tmuxServer('broken');
    s.newSession('claude-agent-x', 'sleep 600');
    const snap = await watcher(configFor(s, ['--workspace', ws, '--workspace', join(dir, 'nope')])).tick();
    expect(snap.errors.some((e) => /GLOBAL_REGISTRY.json: not valid JSON/.test(e))).toBe(true);
    expect(snap.errors).toContain(`workspace ${join(dir, 'nope')}: not found`);
    expect(snap.sessions.map((x) => x.name)).toEqual(['claude-agent-x']);
    expect(snap.ghosts.length).toBe(1); // the task files still loaded
  });
});
