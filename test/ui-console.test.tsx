// The console's components with ink-testing-library: frames and key presses at fixed sizes, a pinned
// clock, no colour, a real store and a fake action service (the actions themselves are tested on real
// processes in console-actions and console-terminal). Every update goes through act() (setup-act.ts).
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionService } from '../src/actions/console-actions.js';
import { makePlan, type Intent, type Plan } from '../src/model/plan.js';
import type { Snapshot } from '../src/model/types.js';
import { createAppStore, type AppState } from '../src/store/store.js';
import { Console } from '../src/ui/Console.js';
import { makeTheme } from '../src/ui/theme.js';
import type { StoreApi } from 'zustand/vanilla';
import { KEYS, mount, type Rendered } from './helpers/ink.js';
import { makeSnapshot, NOW } from './helpers/snapshot.js';

interface Fake extends ActionService {
  planned: Intent[];
  ran: Plan[];
  cancelled: number;
  busyNow: boolean;
}

function fakeService(store: StoreApi<AppState>): Fake {
  const f: Fake = {
    planned: [],
    ran: [],
    cancelled: 0,
    busyNow: false,
    plan(intent) {
      f.planned.push(intent);
      const snap = store.getState().snapshot;
      return snap ? makePlan(snap, intent, { graceMs: 5_000, server: { socketName: 'test' } }) : null;
    },
    async run(plan) {
      f.ran.push(plan);
    },
    cancel() {
      f.cancelled++;
    },
    busy: () => f.busyNow,
    refresh() {},
    async idle() {},
  };
  return f;
}

let screen: Rendered | null = null;
afterEach(async () => {
  await screen?.unmount();
  screen = null;
});

async function open(opts: { snap?: Snapshot | null; columns?: number; rows?: number } = {}) {
  const store = createAppStore({ classifyConfig: () => { throw new Error('not used'); }, intervalMs: 1_000 });
  store.setState({ snapshot: opts.snap === undefined ? makeSnapshot() : opts.snap, tick: { count: 3, lastAt: NOW - 200, durationMs: 42, slow: 0, error: null, inFlight: false } });
  const service = fakeService(store);
  const quits: number[] = [];
  screen = await mount(<Console store={store} service={service} quit={() => quits.push(1)} size={{ columns: opts.columns ?? 120, rows: opts.rows ?? 40 }} clock={() => NOW} clockEveryMs={0} />);
  return { store, service, quits, s: screen };
}

const rowOf = (frame: string, text: string) => frame.split('\n').find((l) => l.includes(text)) ?? '';
const cursorRow = (frame: string) => frame.split('\n').find((l) => l.startsWith('▶')) ?? null;

describe('the console screen', () => {
  it('shows the orchestrator, the counts, the tabs and the sessions, orphans first, the first selected', async () => {
    const { s } = await open();
    const f = s.frame();
    const lines = f.split('\n');
    expect(lines[0]).toMatch(/^orch-top {2}orchestrator pid 4000 up 1h00m · cpu 2\.5% · rss 80M · fds 12 ▁+ · payments-api/);
    expect(lines[1]).toBe('3 agent sessions (+1 other) · 2 orphans · 1 leaked · 1 zombie · 0 ghosts · 1 fd leak');
    expect(lines[2]).toMatch(/^every 1s · tick 3 at \d\d:\d\d:\d\d in 42 ms · tmux -L test pid 900/);
    expect(lines[3]).toMatch(/1 Sessions 3 {2}2 Processes 6 {2}3 Zombies 2 {2}4 Descriptors 6 {2}5 Log 0 {3}sort status/);
    expect(lines[4]).toMatch(/^ SESSION +STATUS +WHY +AGENT +TASK/);
    expect(cursorRow(f)).toMatch(/^▶agent_bravo +orphan +registry says completed/);
    const order = ['agent_bravo', 'claude-agent-charlie', 'agent_alpha'].map((n) => f.indexOf(n));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(f).toMatch(/\? help .* q quit/);
  });

  it('at 80×24 drops the least important columns, keeps the session and why, and fits', async () => {
    const { s } = await open({ columns: 80, rows: 24 });
    const f = s.frame();
    const header = rowOf(f, 'SESSION');
    expect(header).toMatch(/SESSION +STATUS +WHY/);
    for (const dropped of ['AGENT', 'TYPE', 'PANES']) expect(header).not.toContain(dropped);
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(f.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('says so plainly when the terminal is smaller than 80×24', async () => {
    const { s } = await open({ columns: 70, rows: 20 });
    expect(s.frame()).toContain('orch-top needs a terminal of at least 80×24');
    expect(s.frame()).toContain('this one is 70×20');
  });

  it('before the first look it says it is looking; with no orchestrator it says DOWN', async () => {
    const { s, store } = await open({ snap: null });
    expect(s.frame()).toContain('first look…');
    const down = makeSnapshot({ orchestrator: null, orchestrators: [], orchestratorError: 'no process matched' });
    const f = await s.update(() => store.setState({ snapshot: down }));
    expect(f.split('\n')[0]).toMatch(/orchestrator DOWN \(no process matched\)/);
  });

  it('shows a running action\'s progress and a late tick as STALE, a pause as PAUSED', async () => {
    const { s, store } = await open();
    let f = await s.update(() =>
      store.getState().setActivity({ label: 'kill orphans', startedAt: NOW, steps: 2, targets: 3, phase: 1, done: 1, total: 3, graceLeftMs: 3_200, results: 1, cancelling: false }),
    );
    expect(f.split('\n')[2]).toMatch(/^▶ kill orphans: phase 1 1\/3 settled, grace 3\.2s left · 1 done · every 1s/);
    f = await s.update(() => store.setState({ tick: { ...store.getState().tick, lastAt: NOW - 10_000 } }));
    expect(f.split('\n')[2]).toContain('STALE 10s');
    f = await s.update(() => store.getState().setPaused(true));
    expect(f.split('\n')[2]).toContain('PAUSED');
    expect(f.split('\n')[2]).not.toContain('STALE');
  });
});

describe('keys', () => {
  it('j/k/↓/G/g move the cursor; the selection follows its row by id across refreshes', async () => {
    const { s, store } = await open();
    expect(cursorRow(await s.press('j'))).toMatch(/^▶claude-agent-charlie/);
    expect(cursorRow(await s.press(KEYS.down))).toMatch(/^▶agent_alpha/);
    expect(cursorRow(await s.press('k'))).toMatch(/^▶claude-agent-charlie/);
    expect(cursorRow(await s.press('G'))).toMatch(/^▶agent_alpha/);
    expect(cursorRow(await s.press('g'))).toMatch(/^▶agent_bravo/);
    await s.press('j'); // on charlie
    // A refresh where charlie sorts first (bravo is no longer an orphan): the cursor stays on charlie.
    const snap = makeSnapshot();
    const next = { ...snap, sessions: snap.sessions.map((x) => (x.id === '$2' ? { ...x, status: 'active' as const, reason: null, reasons: [] } : x)) };
    const f = await s.update(() => store.setState({ snapshot: next }));
    expect(f.split('\n')[5]).toMatch(/^▶claude-agent-charlie/);
  });

  it('Tab and 1–5 switch panels; the processes panel is a tree; a selects one session\'s tree', async () => {
    const { s } = await open();
    let f = await s.press(KEYS.tab);
    expect(f.split('\n')[4]).toMatch(/PID +S +ROLE +SESSION .*COMMAND/);
    expect(rowOf(f, '1002')).toMatch(/└─ node worker\.js/);
    expect(rowOf(f, '5001')).toMatch(/leaked +agent_delta \(gone\)/);
    f = await s.press('3');
    expect(rowOf(f, '1003')).toMatch(/\[perl\] +1001 +in scope/);
    expect(rowOf(f, '7001')).toMatch(/elsewhere/);
    f = await s.press('4');
    expect(f).toMatch(/^.\s*1001 +90 +GROWING +240\.0/m);
    f = await s.press('1', 'G', 'a'); // agent_alpha's tree only
    expect(f.split('\n')[3]).toContain('session $1 only (a: all)');
    expect(f).toContain('node worker.js');
    expect(f).not.toContain('agent.js --agent bravo');
    f = await s.press(KEYS.escape);
    expect(f).toContain('agent.js --agent bravo');
  });

  it('/ filters as you type; Enter keeps it, Esc clears it; q typed in the filter is text', async () => {
    const { s, quits } = await open();
    let f = await s.press('/', 'c', 'h', 'a', 'r', 'q');
    expect(f).toContain('/ charq█');
    f = await s.press(KEYS.backspace, KEYS.enter);
    expect(quits).toEqual([]);
    expect(f.split('\n')[3]).toContain('filter "char" (Esc clears)');
    expect(f).toMatch(/^.claude-agent-charlie/m);
    expect(f).not.toMatch(/^.agent_bravo/m);
    f = await s.press(KEYS.escape);
    expect(f).toMatch(/^.agent_bravo/m);
  });

  it('s cycles the sort order, r reverses it', async () => {
    const { s } = await open();
    let f = await s.press('s');
    expect(f.split('\n')[3]).toContain('sort name');
    expect(f.indexOf('agent_alpha')).toBeLessThan(f.indexOf('agent_bravo'));
    f = await s.press('r');
    expect(f.split('\n')[3]).toContain('sort name ↑');
    expect(f.indexOf('claude-agent-charlie')).toBeLessThan(f.indexOf('agent_bravo'));
  });

  it('Enter expands the selected session into its agent, panes and processes', async () => {
    const { s } = await open();
    const f = await s.press('G', KEYS.enter);
    expect(f).toMatch(/│ \$1 agent_alpha · active · owned by orchestrator pid 4000/);
    expect(f).toMatch(/pane %1 pid 1001 live/);
    expect(await s.press(KEYS.enter)).not.toContain('owned by orchestrator');
  });

  it('? shows every key from the key table; any other key closes it', async () => {
    const { s } = await open();
    let f = await s.press('?');
    expect(f).toContain('orch-top keys');
    for (const line of [/x +kill the selected session/, /K +kill all orphans/, /S +graceful shutdown/, /y +run the plan shown/]) expect(f).toMatch(line);
    f = await s.press('z');
    expect(f).not.toContain('orch-top keys');
    expect(f).not.toContain('Confirm');
  });

  it('K shows the plan with pids and reasons and runs nothing; n cancels; y runs exactly that plan', async () => {
    const { s, service, store } = await open();
    let f = await s.press('K');
    expect(f).toContain('Confirm: kill orphans (orphan sessions and leaked processes)');
    expect(f).toMatch(/session \$2 agent_bravo \(1 process\) +— orphan: registry says completed/);
    expect(f).toMatch(/pid 2001 +node agent\.js --agent bravo +pane/);
    expect(f).toMatch(/leaked pid 5001/);
    expect(f).toContain('y run it (2 sessions and 3 processes)');
    expect(service.ran).toEqual([]);
    f = await s.press('n');
    expect(f).not.toContain('Confirm');
    expect(service.ran).toEqual([]);
    expect(store.getState().events.at(-1)!.text).toBe('cancelled: kill orphans (nothing was signalled)');
    await s.press('K');
    await s.press('y');
    expect(service.ran).toHaveLength(1);
    expect(service.ran[0]!.intent).toEqual({ kind: 'kill-orphans' });
    expect(service.ran[0]!.steps.map((x) => x.kind)).toEqual(['session', 'session', 'leaked']);
  });

  it('Esc cancels a dialog too, and keys other than y/n do nothing in it', async () => {
    const { s, service } = await open();
    await s.press('z');
    let f = await s.press('x', 'K', KEYS.enter);
    expect(f).toContain('Confirm: reap zombies');
    f = await s.press(KEYS.escape);
    expect(f).not.toContain('Confirm');
    expect(service.ran).toEqual([]);
  });

  it('a destructive key while a plan runs is refused with a message, no dialog', async () => {
    const { s, service, store } = await open();
    service.busyNow = true;
    await s.update(() => store.getState().setActivity({ label: 'reap zombies', startedAt: NOW, steps: 1, targets: 1, phase: 1, done: 0, total: 1, graceLeftMs: null, results: 0, cancelling: false }));
    const f = await s.press('K');
    expect(f).not.toContain('Confirm');
    expect(f).toContain('"reap zombies" is still running: wait for it, or press c to cancel it');
    expect(service.planned).toEqual([]);
    await s.press('c');
    expect(service.cancelled).toBe(1);
  });

  it('x kills the selected session only after y, only in Sessions, and never a neighbour of a vanished one', async () => {
    const { s, service, store } = await open();
    let f = await s.press('2', 'x');
    expect(f).toContain('x kills the session selected in Sessions: press 1 first');
    await s.press('1', 'j'); // claude-agent-charlie ($3)
    f = await s.press('x');
    expect(f).toContain('Confirm: kill session $3');
    await s.press('n');
    // $3 ends behind our back: the cursor stays, marked; x refuses instead of taking agent_alpha.
    const snap = makeSnapshot();
    f = await s.update(() => store.setState({ snapshot: { ...snap, sessions: snap.sessions.filter((x) => x.id !== '$3') } }));
    expect(f).toMatch(/^\?agent_alpha/m);
    expect(f).toContain('session $3 claude-agent-charlie is gone: ↑↓ select another');
    f = await s.press('x');
    expect(f).not.toContain('Confirm');
    expect(f).toContain('session $3 claude-agent-charlie is gone (it ended after you selected it): nothing to kill');
    await s.press('y');
    expect(service.ran).toEqual([]);
    // Moving selects a row again.
    expect(cursorRow(await s.press('k'))).toMatch(/^▶agent_bravo/);
  });

  it('a selected row hidden by the filter is not called gone', async () => {
    const { s } = await open();
    const f = await s.press('/', 'a', 'l', 'p', 'h', 'a', KEYS.enter);
    expect(f).toContain('session $2 agent_bravo is hidden by the filter');
    expect(await s.press('x')).toContain('is hidden by the filter: clear it (Esc)');
  });

  it('S shuts down the one orchestrator after y; with two, the selected session says which', async () => {
    const { s, service, store } = await open();
    expect(await s.press('S')).toContain('Confirm: graceful shutdown of the orchestrator');
    await s.press(KEYS.escape);
    const snap = makeSnapshot();
    const other = { ...snap.orchestrators[0]!, pid: 4100, startTime: 41000, project: 'checkout' };
    await s.update(() => store.setState({ snapshot: { ...snap, orchestrators: [snap.orchestrators[0]!, other] } }));
    await s.press('g', 'j'); // claude-agent-charlie: no owner
    let f = await s.press('S');
    expect(f).toContain('2 orchestrators run (pids 4000, 4100): select a session of the project to stop');
    await s.press('g'); // agent_bravo, owned by 4000
    f = await s.press('S');
    expect(f).toContain('Confirm: graceful shutdown');
    expect(service.planned.at(-1)).toEqual({ kind: 'shutdown', orchestratorPid: 4000 });
  });

  it('a ghost is listed in Sessions, and x on it says there is nothing to kill', async () => {
    const ghost = { agentId: 'echo', taskId: 'TASK-2', tmuxSession: 'agent_echo', project: 'payments-api', workspace: '/w', registryStatus: 'running', registrySource: 'sqlite' as const };
    const { s, service } = await open({ snap: makeSnapshot({ ghosts: [ghost] }) });
    let f = s.frame();
    expect(f.split('\n')[3]).toContain('1 Sessions 4');
    expect(rowOf(f, 'agent_echo')).toMatch(/ghost +registry says running; no su/);
    f = await s.press('j', 'j', 'x');
    expect(cursorRow(f)).toMatch(/^▶agent_echo/);
    expect(f).toContain('ghost agent echo has no tmux session: the registry is stale; there is nothing to kill');
    expect(f).not.toContain('Confirm');
    expect(service.planned).toEqual([]);
  });

  it('nothing to do is said, not asked', async () => {
    const snap = makeSnapshot();
    const { s } = await open({ snap: { ...snap, zombies: snap.zombies.filter((z) => !z.parentInScope) } });
    const f = await s.press('z');
    expect(f).not.toContain('Confirm');
    expect(f).toContain("no zombies in the orchestrator's scope: nothing to reap");
  });

  it('p pauses and resumes polling; + and - step the interval', async () => {
    const { s, store } = await open();
    await s.press('p');
    expect(store.getState().paused).toBe(true);
    await s.press('p');
    expect(store.getState().paused).toBe(false);
    await s.press('+');
    expect(store.getState().intervalMs).toBe(500);
    const f = await s.press('-', '-');
    expect(store.getState().intervalMs).toBe(2_000);
    expect(f).toContain('polling every 2s');
  });

  it('q quits; while a plan runs it asks first, and y then cancels the plan and quits', async () => {
    const { s, service, quits } = await open();
    service.busyNow = true;
    let f = await s.press('q');
    expect(f).toContain('is still running');
    expect(quits).toEqual([]);
    f = await s.press('n');
    expect(f).not.toContain('is still running');
    await s.press(KEYS.ctrlC, 'y');
    expect(service.cancelled).toBe(1);
    expect(quits).toEqual([1]);
    service.busyNow = false;
    await s.press('q');
    expect(quits).toEqual([1, 1]);
  });

  it('keys typed faster than a frame arrive as one chunk and still count one by one', async () => {
    const { s } = await open();
    const f = await s.press('/char\r');
    expect(f.split('\n')[3]).toContain('filter "char" (Esc clears)');
    expect(await s.press('3?')).toContain('orch-top keys');
  });
});

describe('colour', () => {
  it('goes through semantic tokens; without colour, tokens keep their weight and lose their hue', () => {
    expect(makeTheme(true).style('error')).toEqual({ bold: true, color: 'red' });
    expect(makeTheme(false).style('error')).toEqual({ bold: true });
    expect(makeTheme(false).style('selected')).toEqual({ inverse: true });
    expect(makeTheme(false).style('warn')).toEqual({});
  });
});
