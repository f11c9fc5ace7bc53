// The worker-thread collector ticks to the same snapshot as the in-process one.
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessCollector, workerCollector, type Collector } from '../src/collector.js';
import { parseCli } from '../src/config.js';
import { ProcessPool } from './helpers/world.js';

const pool = new ProcessPool();
const open: Collector[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  await pool.teardown();
});

describe('collectors', () => {
  it('a worker-thread collector ticks to the same snapshot as the in-process one, and hands over what it saw', async () => {
    const s = pool.tmuxServer('worker');
    s.newSession('claude-agent-w', 'sleep 600');
    s.newSession('scratch', 'sleep 600');
    const r = parseCli(['--snapshot', '-L', s.socketName], {}, '/');
    if (r.kind !== 'run') throw new Error();
    const w = workerCollector(r.config, { env: {}, cwd: '/' });
    const p = inProcessCollector(r.config, { env: {}, cwd: '/' });
    open.push(w, p);
    expect(w.where).toBe('worker');
    const [a, b] = [await w.tick(), await p.tick()];
    expect(a.sessions.map((x) => x.name)).toEqual(['claude-agent-w']);
    expect(a.tmux[0]!.otherSessions).toEqual(b.tmux[0]!.otherSessions);
    const pane = a.sessions[0]!.panes[0]!.pid;
    expect(a.processes.find((x) => x.pid === pane)?.command).toBe('sleep 600');
    expect(a.fds.find((x) => x.pid === pane)?.count).toBe(b.fds.find((x) => x.pid === pane)?.count);
    // A second tick works too (the worker keeps its caches and the history: two descriptor samples).
    const again = await w.tick();
    expect(again.fds.find((x) => x.pid === pane)?.samples).toBe(2);
    // What it saw is handed over (the console saves it as the pane memory on quit).
    const seen = await w.seen();
    expect([...seen.sessions.values()].map((x) => x.sessionName).sort()).toEqual(['claude-agent-w', 'scratch']);
    expect(seen.panes.size).toBe(2);
  });

  it('a worker starts from the pane memory it is given', async () => {
    const r = parseCli(['--snapshot', '-L', `orchtop-test-none-${process.pid}`], {}, '/');
    if (r.kind !== 'run') throw new Error();
    const pane = { serverPid: 1, paneId: '%9', sessionId: '$9', sessionName: 'claude-agent-old', agent: true, agentId: null, panePid: 1, lastSeen: Date.now() };
    const history = { cpu: new Map(), fds: new Map(), panes: new Map([['1:%9', pane]]), sessions: new Map() };
    const w = workerCollector(r.config, { env: {}, cwd: '/', history });
    open.push(w);
    expect((await w.seen()).panes.get('1:%9')).toEqual(pane);
  });

  it('after close, collect rejects instead of hanging', async () => {
    const r = parseCli(['--snapshot', '-L', `orchtop-test-none-${process.pid}`], {}, '/');
    if (r.kind !== 'run') throw new Error();
    const w = workerCollector(r.config, { env: {}, cwd: '/' });
    await w.close();
    await expect(w.tick()).rejects.toThrow(/closed/);
  });
});
