// How often the console draws, counted in frames (ink-testing-library keeps every frame Ink writes,
// one per React commit), never timed: one frame per tick however many store changes the tick makes,
// none for a change nothing shows; and the polish the issue asked for — the sort mark, steady column
// widths, "…" where text is cut, the z dialog's warning whole, slow ticks logged once per run.
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { KEY, lineWith, makeSnapshot, NOW, openConsole, unmountAll } from './harness.js';

afterEach(unmountAll);

/** What one tick does to the store, in the order the poller and the log watcher do it. */
function tick(c: Awaited<ReturnType<typeof openConsole>>, at: number, opts: { slow?: number; logs?: string[] } = {}) {
  const s = c.store.getState();
  const snap: Snapshot = { ...makeSnapshot(), takenAt: new Date(at).toISOString() };
  c.store.setState({ snapshot: snap, tick: { ...s.tick, count: s.tick.count + 1, lastAt: at, durationMs: 40 } });
  for (const text of opts.logs ?? []) c.store.getState().log('warn', text, NOW);
  if (opts.slow) c.store.getState().tickSlow(opts.slow);
  else c.store.getState().tickOnTime(40);
}

describe('frames', () => {
  it('a tick is one frame, however many store changes it makes (the snapshot, three log lines, a slow mark)', async () => {
    const c = await openConsole();
    const before = c.frameCount();
    await c.update(() => tick(c, NOW + 1_000, { logs: ['one', 'two', 'three'], slow: 1_500 }));
    await c.settle();
    expect(c.frameCount() - before).toBe(1);
    expect(c.frame()).toContain('tick 8 at');
    expect(c.frame()).toContain('three');
  });

  it('ten ticks are ten frames', async () => {
    const c = await openConsole();
    const before = c.frameCount();
    for (let i = 1; i <= 10; i++) await c.update(() => tick(c, NOW + i * 1_000, { logs: [`tick ${i} happened`] }));
    await c.settle();
    expect(c.frameCount() - before).toBe(10);
  });

  it('a store change that nothing drawn depends on is no frame at all', async () => {
    const c = await openConsole();
    await c.settle();
    const before = c.frameCount();
    c.store.setState({ intervalMs: c.store.getState().intervalMs, events: c.store.getState().events });
    c.store.getState().tickOnTime(10); // nothing slow to end: no change
    await c.settle();
    expect(c.frameCount()).toBe(before);
  });

  it('a log line redraws the log, not the tables: the rows are the same objects', async () => {
    const c = await openConsole();
    const before = c.frameCount();
    await c.update(() => c.store.getState().log('info', 'something happened', NOW));
    await c.settle();
    expect(c.frameCount() - before).toBe(1);
    expect(lineWith(c.frame(), 'something happened')).toMatch(/something happened$/);
  });
});

describe('slow ticks', () => {
  it('one line when a run of slow ticks starts, one when it clears, none in between', async () => {
    const c = await openConsole();
    for (let i = 1; i <= 5; i++) await c.update(() => tick(c, NOW + i * 1_000, { slow: 1_800 }));
    await c.update(() => tick(c, NOW + 6_000));
    await c.update(() => tick(c, NOW + 7_000));
    const texts = c.store.getState().events.map((e) => e.text);
    expect(texts.filter((t) => /slow/.test(t))).toEqual([
      'slow ticks: 1800 ms (interval 1000 ms); the next is not stacked, polling eases off',
      'ticks on time again (40 ms) after 5 slow ones',
    ]);
    expect(c.store.getState().tick.slow).toBe(5);
  });
});

describe('columns', () => {
  it('the sorted column is marked ▲/▼, follows s and r, and is never dropped, even at 80 columns', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    const header = () => c.lines()[4]!.trim().split(/\s+/);
    expect(header()).toContain('STATUS▲');
    expect(header()).not.toContain('FDS');
    await c.keys('s', 's'); // name, age
    expect(header()).toContain('AGE▲');
    await c.press('r');
    expect(header()).toContain('AGE▼');
    await c.keys('s', 's', 's'); // cpu, rss, fds: largest first
    expect(header()).toContain('FDS▼');
    for (const line of c.lines()) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('at 120 columns every sort key keeps its column', async () => {
    const c = await openConsole({ columns: 120, rows: 32 });
    for (const col of ['SESSION▲', 'AGE▲', 'CPU%▼', 'RSS▼', 'FDS▼', 'PROCS▼', 'STATUS▲']) {
      await c.press('s');
      expect(c.lines()[4]).toContain(col);
    }
  });

  it('do not jitter: WHY keeps its width when AGE grows from 59s to 1m04s', async () => {
    const young = (age: number) => {
      const s = makeSnapshot();
      return { ...s, sessions: s.sessions.map((x) => ({ ...x, created: NOW - age })) };
    };
    const c = await openConsole({ snap: young(59_000), columns: 100, rows: 30 });
    const whyAt = () => c.lines()[4]!.indexOf('AGENT') - c.lines()[4]!.indexOf('WHY');
    const ageAt = () => c.lines()[4]!.indexOf('AGE ');
    const [why, age] = [whyAt(), ageAt()];
    expect(lineWith(c.frame(), 'agent_bravo')).toMatch(/ 59s /);
    await c.update(() => c.store.setState({ snapshot: young(64_000) }));
    expect(lineWith(c.frame(), 'agent_bravo')).toMatch(/ 1m04s /);
    expect([whyAt(), ageAt()]).toEqual([why, age]);
    // And a column that grew stays that wide when its values shrink back.
    const wide = makeSnapshot();
    await c.update(() => c.store.setState({ snapshot: { ...wide, sessions: wide.sessions.map((x) => ({ ...x, fds: 123_456 })) } }));
    const fdsEnd = c.lines()[4]!.length;
    await c.update(() => c.store.setState({ snapshot: wide }));
    expect(c.lines()[4]!.length).toBe(fdsEnd);
  });
});

describe('text is cut with "…", or wrapped when it must be read whole', () => {
  it('an event-log line too long for the screen ends in "…"', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    const long = `a long event ${'word '.repeat(30)}end`;
    await c.update(() => c.store.getState().log('warn', long, NOW));
    const line = lineWith(c.frame(), 'a long event');
    expect(line).toHaveLength(80);
    expect(line.endsWith('…')).toBe(true);
    expect(c.frame()).not.toContain('end\n');
  });

  it("the z dialog's warning that an active session ends with it is shown whole at 80 columns", async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    // z on the active session that holds the zombies' parent: the user's explicit choice to end it.
    for (let i = 0; i < 10 && !lineWith(c.frame(), '▶').includes('agent_alpha'); i++) await c.press('j');
    expect(lineWith(c.frame(), '▶')).toContain('agent_alpha');
    const f = await c.press('z');
    expect(f).toContain('Confirm: reap zombies');
    const inside = f
      .split('\n')
      .filter((l) => l.startsWith('│'))
      .map((l) => l.slice(1, -1).trim())
      .join(' ');
    expect(inside).toContain('active session $1 agent_alpha ends with it');
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    await c.press(KEY.escape);
  });
});
