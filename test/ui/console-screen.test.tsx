// The console's screen at fixed sizes: header, counts, tabs, tables, the event log, the footer; what
// goes at 80 columns; the too-small message; the screen before the first look and while an action
// runs. Pinned clock and Date, UTC, no colour: the frames are the same every run.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { helpRows } from '../../src/ui/keys.js';
import { helpLineCount } from '../../src/ui/components/HelpOverlay.js';
import { KEY, lineWith, makeSnapshot, NOW, openConsole, pinTime, unmountAll } from './harness.js';

beforeEach(pinTime);
afterEach(async () => {
  await unmountAll();
  vi.useRealTimers();
});

describe('at 120×40', () => {
  it('the header: the orchestrator, the counts, the poller; then the tabs with counts and the sort', async () => {
    const c = await openConsole();
    const l = c.lines();
    expect(l[0]).toBe('orch-top  orchestrator pid 4000 up 1h00m · cpu 2.5% · rss 80M · fds 12 ▁▁▁▁▁▁▁▁ · payments-api');
    expect(l[1]).toBe('3 agent sessions (+1 other) · 2 orphans · 1 leaked · 1 zombie · 0 ghosts · 1 fd leak');
    expect(l[2]).toBe('every 1s · tick 7 at 11:59:59 in 35 ms · tmux -L test pid 900');
    expect(l[3]).toBe(' 1 Sessions 3  2 Processes 6  3 Zombies 2  4 Descriptors 6  5 Log 0   sort status');
  });

  it('the sessions table: its columns (the sorted one marked), orphans first, the first row selected; the event log; the footer', async () => {
    const c = await openConsole();
    const l = c.lines();
    // (TYPE, the least important, gives its room to the sort mark and AGE's steady width)
    expect(l[4]!.trim().split(/\s+/)).toEqual(['SESSION', 'STATUS▲', 'WHY', 'AGENT', 'TASK', 'PROJECT', 'AGE', 'PROCS', 'CPU%', 'RSS', 'FDS']);
    expect(l[5]).toMatch(/^▶agent_bravo +orphan +registry says completed +bravo +TASK-1 +payments-api +2m00s +1 +1\.0 +50M +20 *$/);
    expect(l[6]).toMatch(/^ claude-agent-charlie +orphan +not in any registry +- +- +- +2m00s/);
    expect(l[7]).toMatch(/^ agent_alpha +active +running +alpha/);
    expect(lineWith(c.frame(), '─ events')).toMatch(/^─ events \(0, all in 5\) ─+$/);
    expect(l.at(-1)).toBe('? help  Tab panel  Enter expand  / filter  s sort  x kill  K kill orphans  z zombies  S shutdown  p pause  q quit');
  });

  it('fills the screen but its last line (a full-height frame makes Ink clear the screen), never wider', async () => {
    const c = await openConsole();
    expect(c.lines()).toHaveLength(39);
    for (const line of c.lines()) expect(line.length).toBeLessThanOrEqual(120);
  });

  it("a dialog's border is a box: every line of it is as wide as the screen", async () => {
    const c = await openConsole();
    const f = await c.press('K');
    const box = f.split('\n').filter((l) => /^[╭│╰]/.test(l));
    expect(box.length).toBeGreaterThan(10);
    for (const line of box) expect([line.length, line.at(-1)]).toEqual([120, line.startsWith('╭') ? '╮' : line.startsWith('╰') ? '╯' : '│']);
  });

  it("each panel's table", async () => {
    const c = await openConsole();
    let f = await c.press('2');
    expect(c.lines()[4]!.trim().split(/\s+/)).toEqual(['PID', 'S', 'ROLE', 'SESSION', 'CPU%', 'RSS', 'FDS', 'THR', 'AGE', 'COMMAND']);
    expect(lineWith(f, '1002')).toMatch(/descendant +agent_alpha .* └─ node worker\.js/);
    f = await c.press('3');
    expect(lineWith(f, '1003')).toMatch(/\[perl\] +1001 +in scope +agent_alpha +30s +node agent\.js --agent alpha/);
    expect(lineWith(f, '7001')).toMatch(/\[make\] +7000 +elsewhere +- +30s +bash/);
    f = await c.press('4');
    expect(c.lines()[5]).toMatch(/^▶1001 +90 +GROWING +240\.0 +▁▂▃▄▅▆▇█ +f5 s1 p4 a2 +pane/);
    f = await c.press('5');
    expect(f).toContain('nothing has happened yet');
    expect(lineWith(f, '─ events')).toBe(''); // the log panel takes the event log's room
  });

  it('the counts follow the snapshot', async () => {
    const c = await openConsole();
    const s = makeSnapshot();
    const f = await c.update(() =>
      c.store.setState({
        snapshot: { ...s, sessions: s.sessions.slice(0, 1), zombies: [], summary: { ...s.summary, sessions: 1, orphans: 0, zombies: 0, zombiesOther: 0 } },
      }),
    );
    expect(f.split('\n')[1]).toBe('1 agent session (+1 other) · 0 orphans · 1 leaked · 0 zombies · 0 ghosts · 1 fd leak');
    expect(f.split('\n')[3]).toContain(' 1 Sessions 1  2 Processes 6  3 Zombies 0 ');
  });
});

describe('at 80×24', () => {
  it('drops the least important columns, keeps SESSION, STATUS and WHY, and fits', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    const header = c.lines()[4]!.trim().split(/\s+/);
    expect(header.slice(0, 3)).toEqual(['SESSION', 'STATUS▲', 'WHY']);
    for (const gone of ['AGENT', 'TASK', 'TYPE', 'PROJECT', 'PANES']) expect(header).not.toContain(gone);
    expect(c.lines()).toHaveLength(23);
    for (const line of c.lines()) expect(line.length).toBeLessThanOrEqual(80);
    expect(c.lines()[5]).toMatch(/^▶agent_bravo +orphan +registry says completed/);
  });

  it('the footer keeps the keys that matter most', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    expect(c.lines().at(-1)).toMatchInlineSnapshot(`"? help  / filter  x kill  K kill orphans  z zombies  S shutdown  q quit"`);
  });

  it('the process table keeps the pid, the role and the command', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    await c.press('2');
    const header = c.lines()[4]!.trim().split(/\s+/);
    for (const kept of ['PID', 'ROLE', 'COMMAND']) expect(header).toContain(kept);
    expect(header).not.toContain('THR');
    for (const line of c.lines()) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('too small', () => {
  it.each([
    [70, 20],
    [79, 24],
    [80, 23],
  ])('%i×%i: says so, and which size it is, wrapped, not cut', async (columns, rows) => {
    const c = await openConsole({ columns, rows });
    expect(c.lines()[0]).toBe('orch-top needs a terminal of at least 80×24');
    const said = `this one is ${columns}×${rows}: enlarge it (q quits; orch-top --snapshot prints a table)`;
    expect(c.lines().slice(1).join(' ').replace(/\s+/g, ' ').trim()).toBe(said);
    for (const line of c.lines()) expect(line.length).toBeLessThanOrEqual(columns);
    expect(c.frame()).not.toContain('SESSION');
  });

  it('and q still quits, as it says', async () => {
    const c = await openConsole({ columns: 70, rows: 20 });
    await c.press('q', () => c.quits === 1);
    expect(c.quits).toBe(1);
  });

  it('80×24 is enough', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    expect(c.frame()).not.toContain('needs a terminal');
  });
});

describe('states', () => {
  it('before the first look', async () => {
    const c = await openConsole({ snap: null });
    expect(c.lines()[0]).toBe('orch-top  first look…');
    expect(c.frame()).toContain('looking at tmux, /proc and the registries…');
    expect(c.lines()[3]).toContain(' 1 Sessions 0  2 Processes 0 ');
  });

  it('the orchestrator down; several up', async () => {
    const c = await openConsole({ snap: makeSnapshot({ orchestrator: null, orchestrators: [], orchestratorError: 'no process matched' }) });
    expect(c.lines()[0]).toBe('orch-top  orchestrator DOWN (no process matched)');
    const s = makeSnapshot();
    const two = [s.orchestrators[0]!, { ...s.orchestrators[0]!, pid: 4100, startTime: 41000, project: 'checkout', startedAt: NOW - 60_000 }];
    const f = await c.update(() => c.store.setState({ snapshot: { ...s, orchestrators: two } }));
    expect(f.split('\n')[0]).toBe('orch-top  2 orchestrators up: pid 4000 payments-api 1h00m fds 12, pid 4100 checkout 1m00s fds 12');
  });

  it("a running action's progress leads the status line; cancelling says so", async () => {
    const c = await openConsole();
    let f = await c.update(() =>
      c.store.getState().setActivity({
        label: 'kill orphans',
        startedAt: NOW,
        steps: 3,
        targets: 3,
        phase: 1,
        done: 1,
        total: 3,
        graceLeftMs: 3_200,
        results: 1,
        cancelling: false,
      }),
    );
    // (cut at the width, and marked so: a line never wraps)
    expect(f.split('\n')[2]).toBe('▶ kill orphans: phase 1 1/3 settled, grace 3.2s left · 1 done · every 1s · tick 7 at 11:59:59 in 35 ms · tmux -L test p…');
    f = await c.update(() => c.store.getState().updateActivity({ cancelling: true, graceLeftMs: null, done: 2 }));
    expect(f.split('\n')[2]).toMatch(/^■ cancelling kill orphans: phase 1 2\/3 settled · 1 done · every 1s/);
    f = await c.update(() => c.store.getState().setActivity(null));
    expect(f.split('\n')[2]).toMatch(/^every 1s/);
  });

  it('paused, stale, a failed poll, problems', async () => {
    const c = await openConsole();
    let f = await c.update(() => c.store.setState({ tick: { ...c.store.getState().tick, lastAt: NOW - 10_000 } }));
    expect(f.split('\n')[2]).toContain(' · STALE 10s');
    f = await c.update(() => c.store.getState().setPaused(true));
    expect(f.split('\n')[2]).toContain(' · PAUSED');
    expect(f.split('\n')[2]).not.toContain('STALE');
    f = await c.update(() => c.store.getState().tickFailed('tmux timed out', 5_000));
    expect(f.split('\n')[2]).toContain('poll failed: tmux timed out');
    expect(lineWith(f, 'poll failed')).toBeTruthy();
    f = await c.update(() => c.store.setState({ snapshot: makeSnapshot({ errors: ['a', 'b'] }) }));
    expect(f.split('\n')[1]).toMatch(/ · 2 problems$/);
  });

  it('the event log shows the newest events at the bottom of the screen, all of them in 5', async () => {
    const c = await openConsole();
    const f = await c.update(() => {
      for (let i = 1; i <= 8; i++) c.store.getState().log(i === 8 ? 'error' : 'info', `event number ${i}`);
    });
    expect(lineWith(f, '─ events')).toMatch(/^─ events \(8, all in 5\)/);
    expect(f).not.toContain('event number 2'); // 6 lines of room at 40 rows
    expect(f).toContain('12:00:00 event number 8');
    const log = await c.press('5');
    expect(log.split('\n')[3]).toContain(' 5 Log 8 ');
    expect(log.split('\n')[5]).toMatch(/^▶12:00:00 +error +event number 8/);
    expect(log).toContain('event number 1');
  });
});

/** A help line's key column: as wide as the longest key of its group, and two. */
const labelWidth = (group: string) =>
  Math.max(
    ...helpRows()
      .filter((r) => r.group === group)
      .map((r) => r.label.length),
  ) + 2;

describe('the help screen', () => {
  it('lists every line of the key table when it fits (200×60), and any key closes it', async () => {
    const c = await openConsole({ columns: 200, rows: 60 });
    const f = await c.press('?');
    const rows = helpRows();
    for (const r of rows) expect(f, `${r.label}: ${r.description}`).toContain(`  ${r.label.padEnd(labelWidth(r.group))}${r.description}`);
    // Each group's heading, at the start of a column (the second column starts mid-line).
    for (const g of new Set(rows.map((r) => r.group))) expect(f).toMatch(new RegExp(`(│ | {3})${g} {3}`));
    // Nothing is cut.
    for (const l of f.split('\n')) if (l.startsWith('│')) expect(l).not.toContain('…');
    const closed = await c.press('x');
    expect(closed).not.toContain('orch-top keys');
    expect(closed).not.toContain('Confirm'); // the key that closed it did nothing else
    expect(c.service.planned).toEqual([]);
  });

  it('scrolls on a small screen, and every row of the table is on one of its pages', async () => {
    const c = await openConsole({ columns: 80, rows: 24 });
    let f = await c.press('?');
    const total = helpLineCount(80);
    expect(f).toContain(`↑↓ scroll (1-15 of ${total})`);
    const seen = new Set(f.split('\n'));
    while (!f.includes(`-${total} of ${total})`)) {
      f = await c.press(KEY.down);
      for (const l of f.split('\n')) seen.add(l);
    }
    expect(f).toContain(`(${total - 14}-${total} of ${total})`);
    const all = [...seen].join('\n');
    for (const r of helpRows()) expect(all, r.label).toContain(`  ${r.label.padEnd(labelWidth(r.group))}${r.description.slice(0, 30)}`);
    for (const l of all.split('\n')) if (l.startsWith('│')) expect(l).not.toContain('…');
    f = await c.press(KEY.up);
    expect(f).toContain(`(${total - 15}-${total - 1} of ${total})`);
    f = await c.press(KEY.pageUp); // a page is the table's height less two
    expect(f).toContain(`(${total - 31}-${total - 17} of ${total})`);
    f = await c.press(KEY.pageUp);
    expect(f).toContain(`(1-15 of ${total})`);
    f = await c.press('z');
    expect(f).not.toContain('orch-top keys');
    expect(c.service.planned).toEqual([]);
  });

  it('q in the help quits', async () => {
    const c = await openConsole();
    await c.press('?');
    await c.press('q', () => c.quits === 1);
  });
});
