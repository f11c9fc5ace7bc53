// The console's keys that act: each destructive key shows its plan and waits; only y hands that very
// plan to the action service; n, Esc, q and Ctrl-C cancel; refusals (busy, wrong panel, a vanished
// or hidden session, two orchestrators, nothing to do) say why and open nothing; quitting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionView, Snapshot } from '../../src/model/types.js';
import { KEY, lineWith, makeSnapshot, NOW, openConsole, pinTime, unmountAll, type Opened } from './harness.js';

beforeEach(pinTime);
afterEach(async () => {
  await unmountAll();
  vi.useRealTimers();
});

const footer = (f: string) => f.split('\n').at(-1)!;
const lastEvent = (c: Opened) => c.store.getState().events.at(-1)?.text;
const busy = (c: Opened, label = 'reap zombies') =>
  c.update(() => {
    c.service.busyNow = true;
    c.store
      .getState()
      .setActivity({ label, startedAt: NOW, steps: 1, targets: 1, phase: 1, done: 0, total: 1, graceLeftMs: null, results: 0, cancelling: false });
  });

/** A snapshot with two running orchestrators (4000 owns $1 and $2; 4100 owns nothing shown). */
function twoOrchestrators(): Snapshot {
  const s = makeSnapshot();
  return { ...s, orchestrators: [s.orchestrators[0]!, { ...s.orchestrators[0]!, pid: 4100, startTime: 41000, project: 'checkout' }] };
}

describe('K: kill all orphans', () => {
  it('shows the plan — sessions, pids, reasons — and signals nothing', async () => {
    const c = await openConsole();
    const f = await c.press('K');
    expect(f).toContain('│ Confirm: kill orphans (orphan sessions and leaked processes)');
    expect(f).toMatch(/1 {2}session \$2 agent_bravo \(1 process\) {2}— orphan: registry says completed/);
    expect(f).toMatch(/pid 2001 +node agent\.js --agent bravo {2}pane/);
    expect(f).toMatch(/2 {2}session \$3 claude-agent-charlie \(1 process\) {2}— orphan: not in any registry/);
    expect(f).toMatch(/pid 3001 +sleep 600 {2}pane/);
    expect(f).toMatch(/3 {2}leaked pid 5001 {2}— leaked: its pane %9 is gone/);
    expect(f).toMatch(/pid 5001 +node agent\.js --agent delta {2}leaked/);
    expect(f).not.toMatch(/pid 100[12] /); // agent_alpha is active
    expect(f).toContain('y run it (2 sessions and 3 processes)   n / Esc cancel   nothing is signalled before y');
    expect(c.service.planned.map((p) => p.intent)).toEqual([{ kind: 'kill-orphans' }]);
    expect(c.service.ran).toEqual([]);
    expect(c.view.getState().overlay?.kind).toBe('confirm');
  });

  it.each([
    ['n', 'n'],
    ['N', 'N'],
    ['Esc', KEY.escape],
    ['q', 'q'],
    ['Ctrl-C', KEY.ctrlC],
  ])('%s cancels: nothing runs, the log says so, nobody quits', async (_, key) => {
    const c = await openConsole();
    await c.press('K');
    const f = await c.press(key);
    expect(f).not.toContain('Confirm');
    expect(c.service.ran).toEqual([]);
    expect(c.quits).toBe(0);
    expect(lastEvent(c)).toBe('cancelled: kill orphans (nothing was signalled)');
    expect(lineWith(f, 'cancelled: kill orphans')).toBe('12:00:00 cancelled: kill orphans (nothing was signalled)');
  });

  it('y runs exactly the plan shown (the same object), once', async () => {
    const c = await openConsole();
    await c.press('K');
    const shown = c.service.planned[0]!.plan!;
    const f = await c.press('y');
    expect(f).not.toContain('Confirm');
    expect(c.service.ran).toHaveLength(1);
    expect(c.service.ran[0]).toBe(shown);
    expect(shown.steps.map((s) => (s.kind === 'session' ? s.session.id : s.kind))).toEqual(['$2', '$3', 'leaked']);
  });

  it('y runs the plan shown even when the world changed while it was open (no silent re-plan)', async () => {
    const c = await openConsole();
    await c.press('K');
    const shown = c.service.planned[0]!.plan!;
    const s = makeSnapshot();
    await c.update(
      () => c.store.setState({ snapshot: { ...s, sessions: s.sessions.filter((x) => x.id !== '$3') } }),
      () => true,
    );
    expect(c.frame()).toContain('claude-agent-charlie'); // the dialog still shows what y will run
    await c.press('Y');
    expect(c.service.ran).toEqual([shown]);
    expect(c.service.planned).toHaveLength(1);
  });

  it('keys other than y and n do nothing in the dialog: no other plan, no panel change, no quit', async () => {
    const c = await openConsole();
    await c.press('K');
    for (const k of ['x', 'z', 'S', 'K', '2', KEY.tab, KEY.enter, '?', 'p', 'c']) await c.press(k, () => true);
    expect(c.frame()).toContain('Confirm: kill orphans');
    expect(c.service.planned).toHaveLength(1);
    expect(c.service.cancels).toBe(0);
    expect(c.view.getState().panel).toBe('sessions');
    expect(c.store.getState().paused).toBe(false);
    expect(c.service.ran).toEqual([]);
  });

  it('a long plan scrolls (↑↓ j k Space PgUp), and y still runs all of it', async () => {
    const s = makeSnapshot();
    const orphans: SessionView[] = Array.from({ length: 12 }, (_, i) => ({
      ...s.sessions[1]!,
      id: `$${200 + i}`,
      name: `agent_o${String(i + 1).padStart(2, '0')}`,
      processes: [],
      panes: [],
    }));
    const c = await openConsole({ snap: { ...s, sessions: [...s.sessions, ...orphans] }, columns: 80, rows: 24 });
    let f = await c.press('K');
    const total = Number(/lines 1-13 of (\d+) \(↑↓ PgUp PgDn scroll\)/.exec(f)?.[1]);
    expect(total).toBeGreaterThan(30);
    f = await c.press(KEY.down);
    expect(f).toContain(`lines 2-14 of ${total}`);
    f = await c.press('j');
    expect(f).toContain(`lines 3-15 of ${total}`);
    f = await c.press('k');
    expect(f).toContain(`lines 2-14 of ${total}`);
    f = await c.press(' ');
    expect(f).toContain(`lines 18-30 of ${total}`);
    // (the reasons wrap at 80 columns, so the end is more than a page away)
    for (let i = 0; i < 5 && !f.includes(`lines ${total - 12}-${total} of ${total}`); i++) f = await c.press(KEY.pageDown);
    expect(f).toContain(`lines ${total - 12}-${total} of ${total}`);
    await c.press(KEY.down, () => true); // at the end
    expect(c.frame()).toContain(`lines ${total - 12}-${total} of ${total}`);
    for (let i = 0; i < 6 && !f.includes(`lines 1-13 of ${total}`); i++) f = await c.press(KEY.pageUp);
    expect(f).toContain(`lines 1-13 of ${total}`);
    await c.press('y');
    expect(c.service.ran[0]!.steps.filter((x) => x.kind === 'session')).toHaveLength(14);
  });
});

describe('x: kill the selected session', () => {
  it('plans that session only; y runs it', async () => {
    const c = await openConsole();
    await c.press('j'); // claude-agent-charlie, $3
    const f = await c.press('x');
    expect(f).toContain('Confirm: kill session $3');
    expect(f).toMatch(/session \$3 claude-agent-charlie \(1 process\) {2}— orphan: not in any registry/);
    expect(f).toContain('y run it (1 session and 1 process)');
    expect(c.service.planned.map((p) => p.intent)).toEqual([{ kind: 'kill-session', sessionId: '$3', server: 'default' }]);
    await c.press('y');
    const plan = c.service.ran[0]!;
    expect(plan).toBe(c.service.planned[0]!.plan);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ kind: 'session', session: { id: '$3', name: 'claude-agent-charlie' } });
  });

  it('an active session can be killed too (it is what x is for)', async () => {
    const c = await openConsole();
    await c.press('G');
    expect(await c.press('x')).toContain('Confirm: kill session $1');
  });

  it.each([
    ['2', 'processes'],
    ['3', 'zombies'],
    ['4', 'descriptors'],
    ['5', 'log'],
  ])('outside Sessions (%s, %s) it says to press 1 first', async (key) => {
    const c = await openConsole();
    await c.press(key);
    const f = await c.press('x');
    expect(footer(f)).toBe('x kills the session selected in Sessions: press 1 first');
    expect(f).not.toContain('Confirm');
    expect(c.service.planned).toEqual([]);
  });

  it('on a session that vanished after it was selected: no dialog, it says it is gone, never a neighbour', async () => {
    const c = await openConsole();
    await c.press('j'); // $3
    const s = makeSnapshot();
    await c.update(() => c.store.setState({ snapshot: { ...s, sessions: s.sessions.filter((x) => x.id !== '$3') } }));
    const f = await c.press('x');
    expect(f).not.toContain('Confirm');
    expect(footer(f)).toBe('session $3 claude-agent-charlie is gone (it ended after you selected it): nothing to kill');
    expect(c.service.planned).toEqual([]);
    await c.press('y', () => true);
    expect(c.service.ran).toEqual([]);
  });

  it('on a session the filter hides: it says so instead', async () => {
    const c = await openConsole();
    await c.keys('/', 'a', 'l', 'p', 'h', 'a', KEY.enter);
    const f = await c.press('x');
    expect(footer(f)).toBe('session $2 agent_bravo is hidden by the filter: clear it (Esc) or select a row shown');
    expect(c.service.planned).toEqual([]);
    // select the row shown, and x works on it
    await c.press('j');
    expect(await c.press('x')).toContain('Confirm: kill session $1');
  });

  it('on a ghost: there is nothing to kill', async () => {
    const c = await openConsole({
      snap: makeSnapshot({
        ghosts: [
          {
            agentId: 'echo',
            taskId: null,
            tmuxSession: 'agent_echo',
            project: 'payments-api',
            workspace: '/w',
            registryStatus: 'running',
            registrySource: 'json',
          },
        ],
      }),
    });
    await c.keys('j', 'j'); // orphans, then the ghost
    const f = await c.press('x');
    expect(footer(f)).toBe('ghost agent echo has no tmux session: the registry is stale; there is nothing to kill');
    expect(c.service.planned).toEqual([]);
  });

  it('with no sessions at all: no session selected', async () => {
    const c = await openConsole({ snap: makeSnapshot({ sessions: [] }) });
    expect(footer(await c.press('x'))).toBe('no session selected');
  });
});

describe('z and S', () => {
  it('z plans the zombies in scope, and lists the one elsewhere as left alone', async () => {
    const c = await openConsole();
    const f = await c.press('z');
    expect(f).toContain('Confirm: reap zombies');
    expect(f).toMatch(/pid 1003 +\[perl\] {2}zombie/);
    expect(f).toMatch(/LEFT ALONE[\s\S]*1 zombie of pid 7000 \(bash\): the parent is outside the orchestrator's scope/);
    await c.press('y');
    expect(c.service.ran[0]!.intent).toEqual({ kind: 'reap-zombies' });
  });

  it('S with one orchestrator: the shutdown plan, phases in order', async () => {
    const c = await openConsole();
    const f = await c.press('S');
    expect(f).toContain('Confirm: graceful shutdown of the orchestrator');
    expect(f.indexOf('[phase 1] orchestrator pid 4000')).toBeGreaterThan(0);
    expect(f.indexOf('[phase 2] session $1 agent_alpha')).toBeGreaterThan(f.indexOf('[phase 1]'));
    expect(c.service.planned.map((p) => p.intent)).toEqual([{ kind: 'shutdown' }]);
  });

  it('S with two orchestrators and no session selected says to select one', async () => {
    const c = await openConsole({ snap: twoOrchestrators() });
    await c.press('2'); // no session is selected in the Processes panel
    const f = await c.press('S');
    expect(footer(f)).toBe('2 orchestrators run (pids 4000, 4100): select a session of the project to stop (Sessions), then S');
    expect(f).not.toContain('Confirm');
    expect(c.service.planned).toEqual([]);
  });

  it('S with two orchestrators on a session nobody owns says the same; on an owned one it plans that orchestrator', async () => {
    const c = await openConsole({ snap: twoOrchestrators() });
    await c.press('j'); // claude-agent-charlie: no owner
    expect(footer(await c.press('S'))).toMatch(/^2 orchestrators run/);
    await c.press('g'); // agent_bravo, owned by 4000
    const f = await c.press('S');
    expect(f).toContain('Confirm: graceful shutdown');
    expect(c.service.planned.map((p) => p.intent)).toEqual([{ kind: 'shutdown', orchestratorPid: 4000 }]);
  });

  it('nothing to do is said, not asked', async () => {
    const s = makeSnapshot();
    const c = await openConsole({
      snap: { ...s, sessions: s.sessions.filter((x) => x.status === 'active'), leaked: [], zombies: s.zombies.filter((z) => !z.parentInScope) },
    });
    expect(footer(await c.press('K'))).toBe('no orphan sessions or leaked processes: nothing to kill');
    expect(footer(await c.press('z'))).toBe("no zombies in the orchestrator's scope: nothing to reap (1 left alone: see --dry-run)");
    expect(c.view.getState().overlay).toBeNull();
  });

  it('before the first look a destructive key says to wait', async () => {
    const c = await openConsole({ snap: null });
    expect(footer(await c.press('K'))).toBe('no look at the world yet: wait for the first tick');
    expect(c.view.getState().overlay).toBeNull();
  });
});

describe('on a terminal too small to show anything', () => {
  // Below 80×24 only the size message is drawn: a key must not open a dialog no one can see, nor
  // confirm one; only q/Ctrl-C do anything there.
  it.each(['K', 'x', 'S'])('%s then y signals nothing: no plan is run that was never shown', async (key) => {
    const c = await openConsole({ columns: 70, rows: 20 });
    await c.press(key, () => true);
    await c.press('y', () => true);
    expect(c.frame()).toContain('needs a terminal of at least 80×24');
    expect(c.service.ran).toEqual([]);
  });

  it('q quits there', async () => {
    const c = await openConsole({ columns: 70, rows: 20 });
    await c.press('q', () => c.quits === 1);
  });
});

describe('while an action runs', () => {
  it.each([
    ['K', 'kill orphans'],
    ['z', 'reap zombies'],
    ['S', 'shutdown'],
    ['x', 'kill session $2'],
  ])('%s is refused with a message and a log line, and opens nothing', async (key, what) => {
    const c = await openConsole();
    await busy(c);
    const f = await c.press(key);
    expect(footer(f)).toBe('"reap zombies" is still running: wait for it, or press c to cancel it');
    expect(f).not.toContain('Confirm');
    expect(c.service.planned).toEqual([]);
    expect(lastEvent(c)).toBe(`${what}: refused, "reap zombies" is still running: wait for it, or press c to cancel it`);
  });

  it('c cancels it; c with nothing running says so', async () => {
    const c = await openConsole();
    expect(footer(await c.press('c'))).toBe('no action is running');
    expect(c.service.cancels).toBe(0);
    await busy(c);
    await c.press('c', () => c.service.cancels === 1);
    expect(c.service.cancels).toBe(1);
  });

  it('the header shows its progress', async () => {
    const c = await openConsole();
    const f = await busy(c, 'kill orphans');
    expect(f.split('\n')[2]).toMatch(/^▶ kill orphans: phase 1 0\/1 settled · 0 done · every 1s/);
  });
});

describe('quitting', () => {
  it('q quits; so does Ctrl-C', async () => {
    const c = await openConsole();
    await c.press('q', () => c.quits === 1);
    await c.press(KEY.ctrlC, () => c.quits === 2);
    expect(c.quits).toBe(2);
  });

  it('q while an action runs asks first; n or Esc keeps it running', async () => {
    const c = await openConsole();
    await busy(c, 'kill orphans');
    let f = await c.press('q');
    expect(f).toContain('"kill orphans" is still running');
    expect(f).toContain('y cancel it and quit   n / Esc keep it running');
    expect(c.quits).toBe(0);
    f = await c.press('n');
    expect(f).not.toContain('is still running');
    await c.press(KEY.ctrlC);
    f = await c.press(KEY.escape);
    expect(f).not.toContain('is still running');
    expect([c.quits, c.service.cancels]).toEqual([0, 0]);
    expect(c.service.ran).toEqual([]);
    expect(c.store.getState().events.map((e) => e.text)).not.toContain(expect.stringMatching(/^cancelled/));
  });

  it('y in that dialog cancels the action, then quits', async () => {
    const c = await openConsole();
    await busy(c);
    await c.press('q');
    await c.press('y', () => c.quits === 1);
    expect([c.quits, c.service.cancels]).toEqual([1, 1]);
  });
});
