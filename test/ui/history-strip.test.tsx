// The history strip as the console draws it from the store's history slice: the Sessions panel's
// counts over the last hour and day, the Descriptors panel's selected process, the quiet lines (no
// --serve, an unreadable history, a short terminal), none at all without the slice; and the frame
// economy: a read that says what the last one did is no frame, one made with a tick shares its frame.
import { afterEach, describe, expect, it } from 'vitest';
import { buildHistorySeries, type FdSample, type TickSample } from '../../src/model/history-series.js';
import type { HistoryState } from '../../src/store/store.js';
import { gapSparkline } from '../../src/ui/history-strip.js';
import { cursorLine, lineWith, makeSnapshot, NOW, openConsole, unmountAll } from './harness.js';

afterEach(unmountAll);

/** The strip's row for `label` (the header's "2 orphans ·" is another line). */
const stripRow = (frame: string, label: string) => frame.split('\n').find((l) => l.startsWith(` ${label} `)) ?? '';

/** Two hours of ticks a minute apart: 3 sessions, an orphan for the last 20 minutes, a zombie once. */
function recorded(pid = 4242): HistoryState {
  const ticks: TickSample[] = [];
  for (let i = 120; i >= 0; i--) {
    const at = NOW - i * 60_000;
    ticks.push({ at, sessions: 3, orphans: i < 20 ? 1 : 0, zombies: i === 90 ? 2 : 0, leaked: 0 });
  }
  const fd = (at: number, fds: number): FdSample => ({ at, pid: 1001, startTime: 10010, fds });
  const procsHour = [fd(NOW - 50 * 60_000, 20), fd(NOW - 20 * 60_000, 55), fd(NOW, 90)];
  return { recordingBy: pid, problem: null, series: buildHistorySeries({ ticks, procsHour, procsDay: procsHour }, NOW) };
}

describe('the Sessions panel with a recording --serve', () => {
  it('shows each count over the last hour and the last day above the table', async () => {
    const c = await openConsole();
    await c.update(() => c.store.getState().setHistory(recorded()));
    const f = c.frame();
    expect(lineWith(f, 'HISTORY')).toMatch(/HISTORY\s+last hour\s+│ last day · recorded by --serve pid 4242/);
    const orphans = stripRow(f, 'orphans');
    // The last 20 minutes had one orphan: full bars at the end of the hour, "1" now, "max 1" over the day.
    expect(orphans).toMatch(/█ +1 │ .*█ +max 1$/);
    // Nothing was recorded before 10:00 (two hours ago): the day's sparkline is blank at its start.
    expect(orphans.split('│')[1]).toMatch(/^ {10}/);
    expect(stripRow(f, 'zombies')).toMatch(/0 │ .*max 2$/);
    expect(stripRow(f, 'sessions')).toMatch(/3 │ .*max 3$/);
    expect(stripRow(f, 'leaked')).toMatch(/0 │ .*max 0$/);
    // The table is still there, under the strip.
    expect(f).toContain('agent_alpha');
    expect(f.indexOf('HISTORY')).toBeLessThan(f.indexOf('SESSION '));
  });

  it('says how to start a --serve when none is recording, in one line', async () => {
    const c = await openConsole();
    await c.update(() => c.store.getState().setHistory({ recordingBy: null, problem: null, series: null }));
    expect(lineWith(c.frame(), 'history:')).toBe(' history: no --serve recording; orch-top --serve records the last hour and day');
    expect(c.frame()).not.toContain('HISTORY');
  });

  it('says in one quiet line why a history cannot be read', async () => {
    const c = await openConsole();
    await c.update(() => c.store.getState().setHistory({ recordingBy: 77, problem: 'cannot read /s/history.sqlite3: file is not a database', series: null }));
    expect(lineWith(c.frame(), 'history')).toContain('history (--serve pid 77): cannot read /s/history.sqlite3: file is not a database');
  });

  it('fits the smallest terminal, the table and its selection still shown under it', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    await c.update(() => c.store.getState().setHistory(recorded()));
    const f = c.frame();
    expect(stripRow(f, 'leaked')).toMatch(/max 0$/);
    expect(f.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(cursorLine(f)).toContain('agent_bravo');
    expect(f).toContain('agent_alpha');
  });

  it('is not drawn without a history slice (outside the console, the demo)', async () => {
    const c = await openConsole();
    expect(c.frame()).not.toMatch(/HISTORY|history:/);
  });
});

describe('the Descriptors panel', () => {
  it("shows the selected process's descriptor count over the hour and the day", async () => {
    const c = await openConsole();
    await c.update(() => c.store.getState().setHistory(recorded()));
    await c.update(() => c.view.getState().setPanel('descriptors'));
    const f = c.frame();
    expect(lineWith(f, 'HISTORY')).toContain('last hour · pid 1001');
    expect(stripRow(f, 'descriptors')).toMatch(/█ +90 │ .*█ +20–90$/);
  });

  it('says when the selected process has no samples', async () => {
    const c = await openConsole();
    const h = recorded();
    h.series!.fds = {};
    await c.update(() => c.store.getState().setHistory(h));
    await c.update(() => c.view.getState().setPanel('descriptors'));
    expect(c.frame()).toContain('no descriptor samples of pid 1001');
  });
});

describe('frames', () => {
  it('a read that finds what the last one did is no frame', async () => {
    const c = await openConsole();
    await c.update(() => c.store.getState().setHistory(recorded()));
    await c.settle();
    const before = c.frameCount();
    const history = c.store.getState().history;
    c.store.getState().setHistory(recorded());
    await c.settle();
    expect(c.frameCount()).toBe(before);
    expect(c.store.getState().history).toBe(history);
  });

  it('a read made with a tick is drawn in the tick’s frame', async () => {
    const c = await openConsole();
    await c.update(() => c.store.getState().setHistory({ recordingBy: null, problem: null, series: null }));
    await c.settle();
    const before = c.frameCount();
    await c.update(() => {
      const s = c.store.getState();
      c.store.setState({ snapshot: { ...makeSnapshot(), takenAt: new Date(NOW + 1_000).toISOString() }, tick: { ...s.tick, count: 8, lastAt: NOW + 1_000 } });
      s.setHistory(recorded(99));
    });
    await c.settle();
    expect(c.frameCount() - before).toBe(1);
    expect(c.frame()).toContain('tick 8 at');
    expect(c.frame()).toContain('recorded by --serve pid 99');
  });
});

describe('gapSparkline', () => {
  it('scales counts from zero, descriptor counts from their smallest, and leaves gaps blank', () => {
    expect(gapSparkline([0, 1, null, 2], 10, true)).toBe('▁▅ █');
    expect(gapSparkline([1, 1], 10, true)).toBe('██');
    expect(gapSparkline([10, 12, 14], 10, false)).toBe('▁▅█');
    expect(gapSparkline([null, null], 10, true)).toBe('  ');
  });
});
