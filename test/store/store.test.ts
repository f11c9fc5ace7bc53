import { afterEach, describe, expect, it } from 'vitest';
import { classify, DEFAULT_CLASSIFY, emptyHistory } from '../../src/model/classify.js';
import type { RawWorld, Snapshot } from '../../src/model/types.js';
import { startPoller, type Poller } from '../../src/store/poller.js';
import { createAppStore, MAX_EVENTS } from '../../src/store/store.js';
import { waitFor, sleep } from '../helpers/world.js';

function emptyWorld(takenAt = Date.now()): RawWorld {
  return {
    takenAt,
    tmux: [
      {
        label: 'default',
        stale: false,
        server: {},
        available: true,
        running: false,
        socketPath: null,
        serverPid: null,
        socketUid: null,
        error: null,
        panes: [],
      },
    ],
    procs: { takenAt, clockTicks: 100, source: 'procfs', procs: new Map() },
    env: new Map(),
    fds: new Map(),
    workspaces: [],
    orchestrator: { pids: [], how: 'match', error: null },
    self: { pid: process.pid, ancestors: [] },
    errors: [],
  };
}
/** What a tick hands the store: the empty world, classified. */
const emptySnapshot = (): Snapshot => classify(emptyWorld(), DEFAULT_CLASSIFY, emptyHistory());
const newStore = (intervalMs = 50) => createAppStore({ intervalMs });

let poller: Poller | null = null;
afterEach(async () => {
  await poller?.stop();
  poller = null;
});

describe('store', () => {
  it('each store is fresh and ingest makes a snapshot', () => {
    const a = newStore();
    const b = newStore();
    a.getState().ingest(emptySnapshot(), 3);
    expect(a.getState().snapshot?.version).toBe(1);
    expect(a.getState().tick).toMatchObject({ count: 1, durationMs: 3, error: null });
    expect(b.getState().snapshot).toBeNull();
  });

  it('keeps the event log bounded', () => {
    const s = newStore();
    for (let i = 0; i < MAX_EVENTS + 20; i++) s.getState().log('info', `e${i}`);
    expect(s.getState().events).toHaveLength(MAX_EVENTS);
    expect(s.getState().events.at(-1)!.text).toBe(`e${MAX_EVENTS + 19}`);
  });
});

describe('poller', () => {
  it('ticks at the interval', async () => {
    const store = newStore(40);
    poller = startPoller(store, async () => emptySnapshot());
    await waitFor(() => store.getState().tick.count >= 3, 3000, 'three ticks');
  });

  it('never overlaps a slow tick with the next, and reports it as slow', async () => {
    const store = newStore(30);
    let running = 0;
    let maxRunning = 0;
    poller = startPoller(store, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(80);
      running--;
      return emptySnapshot();
    });
    await waitFor(() => store.getState().tick.count >= 3, 5000, 'three slow ticks');
    expect(maxRunning).toBe(1);
    expect(store.getState().tick.slow).toBeGreaterThanOrEqual(2);
    expect(store.getState().events.some((e) => /slow tick/.test(e.text))).toBe(true);
  });

  it('a new interval reschedules at once: from 30 s back to 50 ms does not wait out the 30 s timer', async () => {
    const store = newStore(50);
    poller = startPoller(store, async () => emptySnapshot());
    await waitFor(() => store.getState().tick.count >= 1, 3000, 'the first tick');
    store.getState().setInterval(30_000);
    await sleep(200);
    const count = store.getState().tick.count;
    expect(count).toBeLessThanOrEqual(2); // the 30 s timer now waits
    store.getState().setInterval(50);
    await waitFor(() => store.getState().tick.count >= count + 2, 3000, 'ticks at 50 ms again, well before 30 s');
  });

  it('tickNow joins a tick in flight instead of starting another', async () => {
    const store = newStore(10_000);
    let calls = 0;
    poller = startPoller(store, async () => {
      calls++;
      await sleep(50);
      return emptySnapshot();
    });
    await Promise.all([poller.tickNow(), poller.tickNow(), poller.tickNow()]);
    expect(calls).toBe(1);
  });

  it('a failing collector is reported and polling goes on', async () => {
    const store = newStore(30);
    let n = 0;
    poller = startPoller(store, async () => {
      n++;
      if (n === 1) throw new Error('tmux exploded');
      return emptySnapshot();
    });
    await waitFor(() => store.getState().tick.count >= 1, 3000, 'a good tick after a bad one');
    expect(store.getState().events[0]!.text).toMatch(/poll failed: tmux exploded/);
    expect(store.getState().tick.error).toBeNull();
  });

  it('pausing stops polling without spinning, and stop() ends it', async () => {
    const store = newStore(30);
    let calls = 0;
    poller = startPoller(store, async () => {
      calls++;
      return emptySnapshot();
    });
    await waitFor(() => calls >= 1, 3000);
    store.getState().setPaused(true);
    await sleep(60);
    const paused = calls;
    await sleep(150);
    expect(calls).toBe(paused);
    store.getState().setPaused(false);
    await waitFor(() => calls > paused, 3000, 'polling to resume');
    await poller.stop();
    const stopped = calls;
    await sleep(100);
    expect(calls).toBe(stopped);
    expect(poller.running).toBe(false);
  });
});
