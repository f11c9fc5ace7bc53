// The worker-thread collector gives the same world as the in-process one.
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
  it('a worker-thread collector reads the same sessions, processes and descriptors', async () => {
    const s = pool.tmuxServer('worker');
    s.newSession('claude-agent-w', 'sleep 600');
    s.newSession('scratch', 'sleep 600');
    const r = parseCli(['--snapshot', '-L', s.socketName], {}, '/');
    if (r.kind !== 'run') throw new Error();
    const w = workerCollector(r.config, { env: {}, cwd: '/' });
    const p = inProcessCollector(r.config, { env: {}, cwd: '/' });
    open.push(w, p);
    expect(w.where).toBe('worker');
    const [a, b] = [await w.collect(), await p.collect()];
    expect(a.procs.procs).toBeInstanceOf(Map);
    expect(a.tmux.panes.map((x) => x.sessionName).sort()).toEqual(['claude-agent-w', 'scratch']);
    expect(a.tmux.panes).toEqual(b.tmux.panes);
    const pane = a.tmux.panes.find((x) => x.sessionName === 'claude-agent-w')!.panePid;
    expect(a.procs.procs.get(pane)?.cmdline).toEqual(['sleep', '600']);
    expect(a.fds.get(pane)?.count).toBe(b.fds.get(pane)?.count);
    expect(a.self.pid).toBe(process.pid); // a worker thread is the same process
    // A second tick works too (the worker keeps its caches).
    expect((await w.collect()).tmux.panes).toHaveLength(2);
  });

  it('after close, collect rejects instead of hanging', async () => {
    const r = parseCli(['--snapshot', '-L', `orchtop-test-none-${process.pid}`], {}, '/');
    if (r.kind !== 'run') throw new Error();
    const w = workerCollector(r.config, { env: {}, cwd: '/' });
    await w.close();
    await expect(w.collect()).rejects.toThrow(/closed/);
  });
});
