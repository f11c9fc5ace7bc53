// The console's keys that look and move (nothing here acts; console-dialogs.test.tsx has the ones
// that do): the cursor, panels, the filter line, sorting, details, scope, polling.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionView, Snapshot } from '../../src/model/types.js';
import { cursorLine, KEY, makeSnapshot, openConsole, pinTime, unmountAll } from './harness.js';

beforeEach(pinTime);
afterEach(async () => {
  await unmountAll();
  vi.useRealTimers();
});

/** `n` more active sessions, agent_s01…, after the three of makeSnapshot. */
function many(n: number): Snapshot {
  const s = makeSnapshot();
  const extra: SessionView[] = Array.from({ length: n }, (_, i) => ({
    ...s.sessions[0]!,
    id: `$${100 + i}`,
    name: `agent_s${String(i + 1).padStart(2, '0')}`,
    processes: [],
    panes: [],
  }));
  return { ...s, sessions: [...s.sessions, ...extra] };
}

const selectedName = (f: string) => cursorLine(f)?.slice(1).split(/\s+/)[0] ?? null;

describe('the cursor', () => {
  it('j/k and ↓/↑ move it, clamped at both ends; g/G and Home/End jump', async () => {
    const c = await openConsole();
    expect(selectedName(c.frame())).toBe('agent_bravo');
    expect(selectedName(await c.press('j'))).toBe('claude-agent-charlie');
    expect(selectedName(await c.press(KEY.down))).toBe('agent_alpha');
    await c.press('j', () => true); // at the end: nothing moves
    expect(selectedName(c.frame())).toBe('agent_alpha');
    expect(selectedName(await c.press('k'))).toBe('claude-agent-charlie');
    expect(selectedName(await c.press(KEY.up))).toBe('agent_bravo');
    expect(selectedName(await c.press('G'))).toBe('agent_alpha');
    expect(selectedName(await c.press('g'))).toBe('agent_bravo');
    expect(selectedName(await c.press(KEY.end))).toBe('agent_alpha');
    expect(selectedName(await c.press(KEY.home))).toBe('agent_bravo');
    expect(c.view.getState().selected.sessions?.id).toBe('$2');
  });

  it('exactly one row carries the cursor', async () => {
    const c = await openConsole();
    for (const k of ['j', 'j', 'k']) {
      const f = await c.press(k);
      expect(f.split('\n').filter((l) => l.startsWith('▶'))).toHaveLength(1);
    }
  });

  it('PgDn/PgUp (and Ctrl-F/Ctrl-B) page through a long table, which scrolls to keep the cursor shown', async () => {
    const c = await openConsole({ snap: many(40), columns: 120, rows: 24 });
    // 23 lines: 3 header, tabs, the table (its header, 12 rows and where the view is), 4 of event
    // log, the footer.
    const first = () => c.lines()[5]!.slice(1).split(/\s+/)[0];
    const last = () => c.lines()[16]!.slice(1).split(/\s+/)[0];
    expect([first(), last()]).toEqual(['agent_bravo', 'agent_s09']);
    expect(c.lines()[17]).toBe(' rows 1-12 of 43 · 31 more below · PgUp PgDn Home End');
    let f = await c.press(KEY.pageDown);
    // 12 rows down (a page is the table's height less two): one past the last row shown, one scroll
    expect(selectedName(f)).toBe('agent_s10');
    expect([first(), last()]).toEqual(['claude-agent-charlie', 'agent_s10']);
    f = await c.press('\u0006'); // Ctrl-F
    expect(selectedName(f)).toBe('agent_s22');
    expect([first(), last()]).toEqual(['agent_s11', 'agent_s22']); // scrolled just enough
    f = await c.press('G');
    expect(selectedName(f)).toBe('agent_s40');
    expect([first(), last()]).toEqual(['agent_s29', 'agent_s40']);
    expect(c.lines()[17]).toBe(' rows 32-43 of 43 · PgUp PgDn Home End');
    f = await c.press(KEY.pageUp);
    expect(selectedName(f)).toBe('agent_s28');
    expect(first()).toBe('agent_s28'); // the view stays while the cursor is in it
    f = await c.press('\u0002'); // Ctrl-B
    expect(selectedName(f)).toBe('agent_s16');
    expect(first()).toBe('agent_s16');
    f = await c.press(KEY.pageUp);
    expect(selectedName(f)).toBe('agent_s04');
    f = await c.press(KEY.pageUp);
    expect(selectedName(f)).toBe('agent_bravo');
    expect(first()).toBe('agent_bravo');
  });

  it('the selection follows its row by id when a refresh reorders the rows', async () => {
    const c = await openConsole();
    await c.press('j'); // charlie, second
    const s = makeSnapshot();
    // bravo is no longer an orphan: charlie sorts first now
    const f = await c.update(() =>
      c.store.setState({
        snapshot: { ...s, sessions: s.sessions.map((x) => (x.id === '$2' ? { ...x, status: 'active' as const, reason: null, reasons: [] } : x)) },
      }),
    );
    expect(f.split('\n')[5]).toMatch(/^▶claude-agent-charlie/);
    expect(selectedName(await c.press('j'))).toBe('agent_alpha');
  });

  it('a selected row that vanished: the cursor stays where it was, marked ?, and the footer says so', async () => {
    const c = await openConsole();
    await c.press('j'); // charlie ($3), second
    const s = makeSnapshot();
    const f = await c.update(() => c.store.setState({ snapshot: { ...s, sessions: s.sessions.filter((x) => x.id !== '$3') } }));
    expect(f.split('\n')[6]).toMatch(/^\?agent_alpha/);
    expect(f.split('\n').at(-1)).toBe('session $3 claude-agent-charlie is gone: ↑↓ select another');
    // down lands on the row that took its place; from there the cursor is a selection again
    expect(selectedName(await c.press('j'))).toBe('agent_alpha');
    expect(c.frame().split('\n').at(-1)).toMatch(/^\? help/);
  });

  it('up from a vanished row lands on the row before it', async () => {
    const c = await openConsole();
    await c.press('j');
    const s = makeSnapshot();
    await c.update(() => c.store.setState({ snapshot: { ...s, sessions: s.sessions.filter((x) => x.id !== '$3') } }));
    expect(selectedName(await c.press('k'))).toBe('agent_bravo');
  });

  it('when the table empties, no row is drawn selected and it says why', async () => {
    const c = await openConsole();
    const f = await c.update(() => c.store.setState({ snapshot: makeSnapshot({ sessions: [] }) }));
    expect(cursorLine(f)).toBeNull();
    expect(f).toContain('no agent sessions on this tmux server');
    expect(f.split('\n').at(-1)).toBe('session $2 agent_bravo is gone: ↑↓ select another');
  });
});

describe('the event log panel', () => {
  it('newest first; the selection stays on its event as new ones arrive', async () => {
    const c = await openConsole();
    await c.update(() => {
      for (let i = 1; i <= 5; i++) c.store.getState().log('info', `event ${i}`);
    });
    await c.press('5');
    let f = await c.press('j');
    expect(cursorLine(f)).toMatch(/ event 4$/);
    f = await c.update(() => c.store.getState().log('warn', 'event 6'));
    expect(f.split('\n')[5]).toMatch(/warn +event 6$/);
    expect(cursorLine(f)).toMatch(/ event 4$/);
  });

  // A log row's id is its event's sequence number: the selection stays put when the oldest events go.
  it('the selection stays on its event when the log is full and the oldest is dropped', async () => {
    const c = await openConsole();
    await c.update(() => {
      for (let i = 1; i <= 500; i++) c.store.getState().log('info', `event ${i}`);
    });
    await c.press('5');
    expect(cursorLine(await c.press('j'))).toMatch(/ event 499$/);
    const f = await c.update(() => c.store.getState().log('info', 'event 501'));
    expect(cursorLine(f)).toMatch(/ event 499$/);
  });
});

describe('panels', () => {
  it('Tab/→ forward, Shift-Tab/← back, wrapping; 1–5 go straight there', async () => {
    const c = await openConsole();
    const panel = () => c.view.getState().panel;
    const seen: string[] = [];
    for (const k of [KEY.tab, KEY.right, KEY.tab, KEY.tab, KEY.tab]) {
      await c.press(k);
      seen.push(panel());
    }
    expect(seen).toEqual(['processes', 'zombies', 'descriptors', 'log', 'sessions']);
    await c.press(KEY.shiftTab);
    expect(panel()).toBe('log');
    await c.press(KEY.left);
    expect(panel()).toBe('descriptors');
    for (const [k, p, header] of [
      ['1', 'sessions', 'SESSION'],
      ['2', 'processes', 'ROLE'],
      ['3', 'zombies', 'PARENT COMMAND'],
      ['4', 'descriptors', 'TREND'],
      ['5', 'log', 'LEVEL'],
    ] as const) {
      const f = await c.press(k);
      expect(panel()).toBe(p);
      expect(f.split('\n')[4]).toContain(header);
    }
  });

  it('each panel keeps its own cursor', async () => {
    const c = await openConsole();
    await c.press('G'); // alpha
    await c.press('2');
    const procs = await c.press('j');
    expect(cursorLine(procs)).toMatch(/^▶1001 /);
    expect(selectedName(await c.press('1'))).toBe('agent_alpha');
    expect(cursorLine(await c.press('2'))).toMatch(/^▶1001 /);
  });

  it("a chooses the selected session's tree; a again (or Esc) shows every process", async () => {
    const c = await openConsole();
    await c.press('G'); // agent_alpha, $1
    let f = await c.press('a');
    expect(c.view.getState()).toMatchObject({ panel: 'processes', scope: '$1' });
    expect(f.split('\n')[3]).toContain('session $1 only (a: all)');
    expect(f).toContain('└─ node worker.js');
    expect(f).not.toContain('--agent bravo');
    f = await c.press('a');
    expect(f).toContain('--agent bravo');
    await c.press('1');
    await c.press('a');
    f = await c.press(KEY.escape);
    expect(c.view.getState().scope).toBeNull();
    expect(f).toContain('--agent bravo');
  });

  it('a on a process of a session scopes to it; on one of none it says what to select', async () => {
    const c = await openConsole();
    await c.press('2'); // the orchestrator is first
    let f = await c.press('a');
    expect(f.split('\n').at(-1)).toBe('a: select a session (or a process of one) to see only its tree');
    await c.press('G'); // the leaked process, traced to $9
    f = await c.press('a');
    expect(c.view.getState().scope).toBe('$9');
    expect(f).toContain('agent_delta (gone)');
  });
});

describe('the filter line', () => {
  it('/ opens it; each key filters at once; Backspace erases; Enter keeps it; Esc clears it', async () => {
    const c = await openConsole();
    let f = await c.press('/');
    expect(f.split('\n').at(-1)).toBe('/ █   Enter keeps · Esc clears');
    f = await c.keys('C', 'H', 'A', 'R', 'x');
    expect(f.split('\n').at(-1)).toBe('/ CHARx█   Enter keeps · Esc clears');
    expect(f).toContain('nothing matches "CHARx" (Esc clears the filter)');
    f = await c.press(KEY.backspace);
    expect(f.split('\n').at(-1)).toBe('/ CHAR█   Enter keeps · Esc clears');
    // bravo, selected, is hidden: the cursor's place is marked ?, no row is selected
    expect(cursorLine(f)).toMatch(/^\?claude-agent-charlie/);
    expect(c.view.getState().selected.sessions?.id).toBe('$2');
    expect(f).not.toMatch(/agent_alpha|agent_bravo/);
    f = await c.press(KEY.enter);
    expect(f.split('\n')[3]).toContain('· filter "CHAR" (Esc clears)');
    expect(f.split('\n').at(-1)).toBe('session $2 agent_bravo is hidden by the filter: Esc clears it, ↑↓ select another');
    f = await c.press(KEY.escape);
    expect(f.split('\n')[3]).not.toContain('filter');
    expect(selectedName(f)).toBe('agent_bravo');
  });

  it('keys are text while typing: q does not quit, K does not kill, digits do not switch', async () => {
    const c = await openConsole();
    await c.press('/');
    const f = await c.keys('q', 'K', '2', 'x', '?', 'j');
    expect(f.split('\n').at(-1)).toBe('/ qK2x?j█   Enter keeps · Esc clears');
    expect(c.quits).toBe(0);
    expect(c.service.planned).toEqual([]);
    expect(c.view.getState().panel).toBe('sessions');
    await c.press(KEY.escape);
    expect(c.view.getState().params.sessions.filter).toBe('');
  });

  it('every word must match, in any case', async () => {
    const c = await openConsole();
    await c.press('/');
    let f = await c.keys('O', 'R', 'P', 'H', 'A', 'N');
    expect(f.match(/^[ ▶](agent_bravo|claude-agent-charlie) /gm)).toHaveLength(2);
    f = await c.keys(' ', 'n', 'o', 't');
    expect(f).toMatch(/^[ ▶?]claude-agent-charlie/m);
    expect(f).not.toMatch(/^.agent_bravo/m);
  });

  it('each panel has its own filter; Esc in the table clears the current one', async () => {
    const c = await openConsole();
    await c.keys('/', 'b', 'r', KEY.enter);
    let f = await c.press('2');
    expect(f.split('\n')[3]).not.toContain('filter');
    await c.keys('/', 'w', 'o', 'r', 'k', KEY.enter);
    f = c.frame();
    expect(f).toContain('node worker.js');
    expect(f).not.toContain('real_mcp_server');
    f = await c.press('1');
    expect(f.split('\n')[3]).toContain('filter "br"');
    await c.press(KEY.escape);
    expect(c.view.getState().params.processes.filter).toBe('work');
  });
});

describe('sort, details, polling', () => {
  it('s cycles the sort order, r reverses it, per panel', async () => {
    const c = await openConsole();
    let f = await c.press('s');
    expect(f.split('\n')[3]).toMatch(/sort name$/);
    const order = (fr: string) =>
      ['agent_alpha', 'agent_bravo', 'claude-agent-charlie'].sort(
        (a, b) => fr.indexOf(`\n ${a}`) + fr.indexOf(`\n▶${a}`) - (fr.indexOf(`\n ${b}`) + fr.indexOf(`\n▶${b}`)),
      );
    expect(order(f)).toEqual(['agent_alpha', 'agent_bravo', 'claude-agent-charlie']);
    f = await c.press('r');
    expect(f.split('\n')[3]).toMatch(/sort name ↑$/);
    expect(order(f)).toEqual(['claude-agent-charlie', 'agent_bravo', 'agent_alpha']);
    expect(selectedName(f)).toBe('agent_bravo'); // the cursor stays on its row
    f = await c.press('s'); // a new order starts unreversed
    expect(f.split('\n')[3]).toMatch(/sort age$/);
    f = await c.press('2');
    expect(f.split('\n')[3]).toMatch(/sort tree$/);
    f = await c.press('s');
    expect(f.split('\n')[3]).toMatch(/sort cpu$/);
    expect(f).not.toContain('└─'); // a flat list
  });

  it('Enter expands the selected row; Enter again or Esc collapses it', async () => {
    const c = await openConsole();
    let f = await c.press(KEY.enter);
    expect(f.split('\n')[6]).toBe('   │ $2 agent_bravo · orphan: registry says completed · owned by orchestrator pid 4000 · matched by registry+prefix');
    expect(f.split('\n')[7]).toBe('   │ pane %2 pid 2001 live · node');
    expect(f.split('\n')[8]).toMatch(/^ {3}└ {3}pid 2001 S pane · cpu 0\.5% rss 40M fds 12 · up 1m00s · node agent\.js --agent bravo/);
    expect(f.split('\n')[9]).toMatch(/^ claude-agent-charlie/);
    f = await c.press(KEY.enter);
    expect(f).not.toContain('owned by');
    await c.press(KEY.enter);
    f = await c.press(KEY.escape);
    expect(f).not.toContain('owned by');
    await c.press('4');
    f = await c.press(KEY.enter);
    expect(f).toContain('history: 20 30 40 50 60 70 80 90');
  });

  it('p (or Space) pauses and resumes polling, saying so in the log', async () => {
    const c = await openConsole();
    let f = await c.press('p');
    expect(c.store.getState().paused).toBe(true);
    expect(f.split('\n')[2]).toContain('PAUSED');
    expect(f).toContain('12:00:00 polling paused (p resumes)');
    f = await c.press(' ');
    expect(c.store.getState().paused).toBe(false);
    expect(f.split('\n')[2]).not.toContain('PAUSED');
    expect(f).toContain('12:00:00 polling resumed');
  });

  it('+ and - step the interval through 250ms…30s, clamped at both ends', async () => {
    const c = await openConsole();
    const steps: number[] = [];
    for (const k of ['+', '+', '=']) {
      await c.press(k, () => true);
      steps.push(c.store.getState().intervalMs);
    }
    expect(steps).toEqual([500, 250, 250]);
    expect(c.frame().split('\n').at(-1)).toBe('polling every 250ms already: the fastest step');
    expect(c.frame().split('\n')[2]).toMatch(/^every 250ms/);
    steps.length = 0;
    for (const k of ['-', '_', '-', '-', '-', '-', '-', '-']) {
      await c.press(k, () => true);
      steps.push(c.store.getState().intervalMs);
    }
    expect(steps).toEqual([500, 1_000, 2_000, 5_000, 10_000, 30_000, 30_000, 30_000]);
    expect(c.frame().split('\n').at(-1)).toBe('polling every 30s already: the slowest step');
  });

  // From an interval off the step list (--interval takes 100ms…1h), + and - still go the way they say.
  it.each([
    [60_000, '-', (ms: number) => ms >= 60_000],
    [100, '+', (ms: number) => ms <= 100],
    [750, '-', (ms: number) => ms === 1_000],
  ])('from --interval %i ms, %s goes the way it says', async (intervalMs, key, ok) => {
    const c = await openConsole({ intervalMs });
    await c.press(key, () => true);
    expect(ok(c.store.getState().intervalMs), `${intervalMs} ${key} → ${c.store.getState().intervalMs}`).toBe(true);
  });

  it('Ctrl-L looks now', async () => {
    const c = await openConsole();
    await c.press(KEY.ctrlL, () => c.service.refreshes === 1);
    expect(c.service.refreshes).toBe(1);
  });

  it('a message lasts until the next key', async () => {
    const c = await openConsole();
    let f = await c.press('c');
    expect(f.split('\n').at(-1)).toBe('no action is running');
    f = await c.press('j');
    expect(f.split('\n').at(-1)).toMatch(/^\? help/);
  });

  it('keys typed faster than a frame arrive as one chunk and still count one by one', async () => {
    const c = await openConsole();
    let f = await c.press('/orph\r');
    expect(f.split('\n')[3]).toContain('filter "orph"');
    f = await c.press('4?');
    expect(c.view.getState().panel).toBe('descriptors');
    expect(f).toContain('orch-top keys');
  });
});

describe('the tab line keeps what the user typed', () => {
  it('at 120 columns with big counts, tab titles go short before the filter is cut', async () => {
    const s = makeSnapshot();
    // A busy machine: dozens of zombies elsewhere make the Zombies tab's count long.
    const zombies = Array.from({ length: 120 }, (_, i) => ({ ...s.zombies.at(-1)!, pid: 20_000 + i }));
    const c = await openConsole({ snap: { ...s, zombies }, columns: 120, rows: 40 });
    await c.press('/');
    await c.keys(...'agent_bravo agent'.split(''));
    const f = await c.press(KEY.enter);
    const tabs = f.split('\n').find((l) => l.includes('1 Sessions'))!;
    expect(tabs).toContain('filter "agent_bravo agent" (Esc clears)');
    expect(tabs).toContain('4 FDs');
  });
});
