// The interactive console as a person uses it, in a real terminal: tmux runs `orch-top` on a private
// watched tmux server with real agent sessions (a fake orchestrator and a registry where it matters),
// `send-keys` types, `capture-pane` reads the screen; the world is checked with tmux and /proc, never
// with orch-top's own view of it. Each test asserts what the person would check: what the screen says,
// what died and what did not, the exit status, the terminal given back, nothing left running.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Terminal, processes, type ScreenLine } from '../helpers/terminal.js';
import { ProcessPool, alive, childrenOf, descendantsOf, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;

/** The fake orchestrator's command line carries this; the pattern orch-top gets is written so that it
 *  does not match its own text (the terminal's tmux server and shell carry orch-top's command line). */
const ORCH = `fake_orchestrator_console_${process.pid}`;
const ORCH_PATTERN = ORCH.replace('orchestrator', 'orch[e]strator');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-console-'));
});
afterEach(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const auditPath = () => join(dir, 'audit.jsonl');
const auditLines = () =>
  readFileSync(auditPath(), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** orch-top in a terminal of width×height watching `world`, polling every 250 ms, grace 1 s. */
function startConsole(world: TmuxServerFixture, size: { width: number; height: number }, extra: string[] = []): Terminal {
  return new Terminal(pool, {
    ...size,
    cwd: dir,
    // Nothing is read from or written to the real home: state, config and discovery all point here.
    env: { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config') },
    args: ['-L', world.socketName, '--orchestrator-match', ORCH_PATTERN, '--interval', '250ms', '--grace', '1s', '--audit-log', auditPath(), ...extra],
  });
}

/** A session's pane process and every descendant, once the pane has `kids` children; all tracked. */
async function tree(world: TmuxServerFixture, session: string, kids = 0): Promise<number[]> {
  const pane = world.panePid(`=${session}:`);
  await waitFor(() => childrenOf(pane).length >= kids, 5_000, `${kids} children in ${session}`);
  const pids = [pane, ...descendantsOf(pane)];
  pids.forEach((p) => pool.track(p));
  return pids;
}

const sessionId = (world: TmuxServerFixture, name: string) => world.tmux('display-message', '-p', '-t', `=${name}:`, '#{session_id}').trim();

/** Processes orch-top may have left: itself, any child of it, anything else naming the watched socket
 *  (its tmux clients). Other test files run orch-top at the same time: only this world's count. */
function leftovers(t: Terminal, world: TmuxServerFixture, orchTop: number): string[] {
  const allowed = new Set([t.shell, t.server.serverPid(), world.serverPid(), process.pid]);
  return processes()
    .filter((p) => !allowed.has(p.pid) && (p.pid === orchTop || p.ppid === orchTop || p.args.some((a) => a.includes(world.socketName))))
    .map((p) => `pid ${p.pid} (ppid ${p.ppid}) ${p.args.join(' ')}`);
}

/** The dialog's lines (inside its round border). */
const dialog = (screen: string) => screen.split('\n').filter((l) => l.startsWith('│'));
/** The table row drawn inverse (below the header, the tab bar and the table's header): the selection. */
const selectedRow = (lines: ScreenLine[]) => lines.slice(5).find((l) => l.inverse && /claude-agent-|agent_/.test(l.text))?.text ?? null;

/** What quitting must leave: exit status, a terminal back in the normal screen and cooked mode, no process. */
async function expectCleanExit(t: Terminal, world: TmuxServerFixture, orchTop: number, status: number): Promise<void> {
  expect(await t.exitStatus()).toBe(status);
  expect(t.mode()).toEqual({ alternateScreen: false, cursorVisible: true });
  expect((await t.ttyModes()).sort()).toEqual(['echo', 'icanon', 'isig']);
  // The shell's line is on the normal screen, with nothing of the console's frames left on it.
  expect(
    t
      .screen()
      .split('\n')
      .filter((l) => l.trim()),
  ).toEqual([`EXIT=${status}`, expect.stringMatching(/^TTY=/)]);
  await waitFor(() => !alive(orchTop), 5_000, 'the orch-top process to be gone');
  expect(leftovers(t, world, orchTop)).toEqual([]);
}

describe('orch-top console in a real terminal', () => {
  it('K shows the plan and kills nothing until y; y kills every orphan and nothing else; q exits 0 and leaves nothing', async () => {
    // A project whose orchestrator runs; its registry has a finished agent whose session lingers and
    // a running one. Plus a prefixed session no registry knows, one with a SIGHUP-proof tree, and a
    // personal session.
    const ws = join(dir, 'project', '.agent-workspace');
    mkdirSync(join(ws, 'registry'), { recursive: true });
    writeFileSync(
      join(ws, 'registry', 'GLOBAL_REGISTRY.json'),
      JSON.stringify({
        agents: {
          'reviewer-101010-aaaaaa': { task_id: 'TASK-1', status: 'completed', tmux_session: 'agent_reviewer-101010-aaaaaa' },
          'builder-101011-bbbbbb': { task_id: 'TASK-1', status: 'running', tmux_session: 'agent_builder-101011-bbbbbb' },
        },
      }),
    );
    const orchestrator = pool.orchestrator(ORCH, undefined, { env: { CLAUDE_ORCHESTRATOR_WORKSPACE: ws } }).pid!;
    const world = pool.tmuxServer('watched');
    world.newSession('agent_reviewer-101010-aaaaaa', `sh -c "trap '' HUP; sleep 600 & sleep 600 & wait"`);
    world.newSession('agent_builder-101011-bbbbbb', 'sleep 600');
    world.newSession('claude-agent-stray', 'sleep 600');
    world.newSession('claude-agent-hup', `sh -c "trap '' HUP; sleep 600 & wait"`);
    world.newSession('notes', 'sleep 600');
    const orphans = {
      'agent_reviewer-101010-aaaaaa': await tree(world, 'agent_reviewer-101010-aaaaaa', 2),
      'claude-agent-stray': await tree(world, 'claude-agent-stray'),
      'claude-agent-hup': await tree(world, 'claude-agent-hup', 1),
    };
    const orphanPids = Object.values(orphans).flat();
    const keep = [...(await tree(world, 'agent_builder-101011-bbbbbb')), ...(await tree(world, 'notes')), orchestrator];
    const everything = world.sessions();
    expect(everything).toHaveLength(5);

    const t = startConsole(world, { width: 120, height: 40 }, ['--workspace', ws]);
    const orchTop = await t.pid();
    const first = await t.until(/4 agent sessions \(\+1 other\) · 3 orphans/, 'the orphans on screen');
    expect(first).toContain(`orchestrator pid ${orchestrator} up`);
    expect(first).toMatch(/agent_reviewer-101010-aaaaaa\s+orphan\s+registry says completed/);
    expect(first).toMatch(/claude-agent-stray\s+orphan\s+not in any registry/);
    expect(first).toMatch(/agent_builder-101011-bbbbbb\s+active/);
    expect(first).not.toMatch(/^\s*notes\s/m); // a personal session is no agent session

    // K: the plan, in a dialog; nothing is signalled while it is open, however long that is.
    t.press('K');
    const asked = await t.until(/Confirm: kill orphans/, 'the confirm dialog');
    expect(asked).toMatch(/│ y run it \(3 sessions and 6 processes\) {3}n \/ Esc cancel {3}nothing is signalled before y/);
    const plan = dialog(asked).join('\n');
    for (const [name, pids] of Object.entries(orphans)) {
      expect(plan).toContain(`${sessionId(world, name)} ${name} (${pids.length} process`);
      for (const p of pids) expect(plan).toMatch(new RegExp(`pid ${p}\\b`));
    }
    expect(plan).not.toContain('agent_builder');
    expect(plan).not.toContain('notes');
    const waited = await t.ticks(4);
    expect(waited).toContain('Confirm: kill orphans'); // still asking, while the console kept polling
    expect(world.sessions()).toEqual(everything);
    for (const p of [...orphanPids, ...keep]) expect(alive(p), `pid ${p} before y`).toBe(true);
    expect(existsSync(auditPath())).toBe(false); // nothing done, nothing recorded

    // y: the orphans go, processes first; the running agent, the personal session and the orchestrator stay.
    t.press('y');
    await waitFor(() => world.sessions().join() === ['agent_builder-101011-bbbbbb', 'notes'].join(), 10_000, 'only the live agent and notes to remain');
    await waitFor(() => orphanPids.every((p) => !alive(p)), 10_000, 'every orphan process to be dead');
    const done = await t.until(/✓ kill orphans/, 'the outcome in the event log');
    expect(done).toMatch(/1 agent session \(\+1 other\) · 0 orphans/);
    expect(done).toMatch(/^\d\d:\d\d:\d\d (exited|killed): /m);
    for (const p of keep) expect(alive(p), `pid ${p} after y`).toBe(true);

    // The whole log (panel 5) has every orphan session's outcome.
    t.press('5');
    const log = await t.until(/sort newest/, 'the log panel');
    for (const name of Object.keys(orphans)) expect(log).toMatch(new RegExp(`(exited|killed): session \\$\\d+ ${name}`));

    // The audit log: the plan as shown, every result, and the end.
    expect(statSync(auditPath()).mode & 0o777).toBe(0o600);
    const audit = auditLines();
    expect(audit[0]).toMatchObject({ event: 'plan', mode: 'console', intent: { kind: 'kill-orphans' }, graceMs: 1000 });
    expect((audit[0]!.steps as { session?: { name: string } }[]).map((s) => s.session?.name).sort()).toEqual(Object.keys(orphans).sort());
    const results = audit.filter((l) => l.event === 'result');
    for (const p of orphanPids)
      expect(
        results.some((r) => (r.target as { pid?: number }).pid === p && ['exited', 'killed'].includes(r.outcome as string)),
        `a result for pid ${p}`,
      ).toBe(true);
    for (const p of keep)
      expect(
        audit.some((l) => l.pid === p || (l.target as { pid?: number } | undefined)?.pid === p),
        `pid ${p} in the audit log`,
      ).toBe(false);
    expect(audit.at(-1)).toMatchObject({ event: 'done', clean: true, message: 'cleanup completed' });

    // q: exit 0, the terminal back, nothing left running.
    t.press('q');
    await expectCleanExit(t, world, orchTop, 0);
    for (const p of keep) expect(alive(p)).toBe(true);
    // It wrote its state where it was told to (XDG_STATE_HOME), not in the real home.
    expect(existsSync(join(dir, 'state', 'orch-top', 'panes.json'))).toBe(true);
  });

  it('x on a session that ended after it was selected says it is gone and kills nothing', async () => {
    const world = pool.tmuxServer('watched');
    for (const name of ['claude-agent-a', 'claude-agent-b', 'claude-agent-c', 'notes']) world.newSession(name, 'sleep 600');
    const pids = Object.fromEntries(
      await Promise.all(['claude-agent-a', 'claude-agent-b', 'claude-agent-c', 'notes'].map(async (n) => [n, (await tree(world, n))[0]!] as const)),
    );
    const gone = sessionId(world, 'claude-agent-b');

    const t = startConsole(world, { width: 120, height: 40 });
    const orchTop = await t.pid();
    await t.until(/3 agent sessions \(\+1 other\) · 3 orphans/, 'three orphans');

    // Move the cursor onto claude-agent-b (the selected row is drawn inverse).
    for (let i = 0; ; i++) {
      const row = await waitFor(() => selectedRow(t.lines()), 5_000, 'a selected row');
      if (row.includes('claude-agent-b')) break;
      expect(i, `the cursor never reached claude-agent-b (at: ${row})`).toBeLessThan(5);
      t.press('j');
      await waitFor(() => selectedRow(t.lines()) !== row, 5_000, 'the cursor to move');
    }

    // Behind orch-top's back, the session and its process end.
    world.tmux('kill-session', '-t', gone);
    await waitFor(() => !alive(pids['claude-agent-b']!) && !world.sessions().includes('claude-agent-b'), 5_000, 'claude-agent-b to be gone');
    const lost = await t.until(/2 agent sessions \(\+1 other\) · 2 orphans/, 'the session gone from the screen');
    // The cursor stays where it was, marked, and the footer names what it was on.
    expect(lost).toMatch(/^\?claude-agent-c\s+orphan/m);
    expect(lost).toContain(`session ${gone} claude-agent-b is gone: ↑↓ select another`);

    t.press('x');
    const said = await t.until(new RegExp(`session \\${gone} claude-agent-b is gone \\(.*\\): nothing to kill`), 'x to say the session is gone');
    expect(said).not.toContain('Confirm:');
    // A y typed out of habit does nothing either; real time passes, nothing dies.
    t.press('y');
    const later = await t.ticks(4);
    expect(later).not.toContain('Confirm:');
    expect(world.sessions()).toEqual(['claude-agent-a', 'claude-agent-c', 'notes']);
    for (const n of ['claude-agent-a', 'claude-agent-c', 'notes']) expect(alive(pids[n]!), n).toBe(true);
    expect(existsSync(auditPath())).toBe(false);

    t.press('q');
    await expectCleanExit(t, world, orchTop, 0);
    for (const n of ['claude-agent-a', 'claude-agent-c', 'notes']) expect(alive(pids[n]!), n).toBe(true);
  });

  // With real agent names (long), the whole hint must fit: it is the footer's, not the tab bar's.
  it('at 120 columns the footer shows "<session> is gone: ↑↓ select another" when the selected session ends', async () => {
    const world = pool.tmuxServer('watched');
    const names = ['claude-agent-code-auditor-075534-3517a3', 'claude-agent-test-runner-075538-d75ba5'];
    for (const n of names) world.newSession(n, 'sleep 600');
    const pids = await Promise.all(names.map(async (n) => (await tree(world, n))[0]!));
    const t = startConsole(world, { width: 120, height: 40 });
    await t.until(/2 agent sessions · 2 orphans/, 'two orphans');
    const row = await waitFor(() => selectedRow(t.lines()), 5_000, 'the first row selected');
    const i = names.findIndex((n) => row.includes(n));
    expect(i).toBeGreaterThanOrEqual(0);
    const id = sessionId(world, names[i]!);
    world.tmux('kill-session', '-t', id);
    await waitFor(() => !alive(pids[i]!), 5_000, 'its process to end');
    const lost = await t.until(/^\?claude-agent-/m, 'the cursor marked on the row that took its place');
    expect(lost).toContain(`session ${id} ${names[i]} is gone: ↑↓ select another`);
  });

  // Keys typed fast or pasted arrive in one read: Enter inside the chunk must still be Enter.
  it('"/claude-agent-b⏎" arriving in one read keeps the filter and closes the filter line', async () => {
    const world = pool.tmuxServer('watched');
    for (const n of ['claude-agent-a', 'claude-agent-b']) world.newSession(n, 'sleep 600');
    await tree(world, 'claude-agent-a');
    await tree(world, 'claude-agent-b');
    const t = startConsole(world, { width: 120, height: 40 });
    await t.until(/2 agent sessions · 2 orphans/, 'two orphans');
    t.type('/claude-agent-b\r');
    // The table filters as the filter is typed: the text has arrived.
    await t.until((s) => /^.claude-agent-b\s/m.test(s) && !/^.claude-agent-a\s/m.test(s), 'the table filtered');
    const shown = await t.ticks(2);
    expect(shown.split('\n')[3]).toContain('filter "claude-agent-b" (Esc clears)');
    expect(shown).not.toContain('Enter keeps · Esc clears');
  });

  it.each([
    ['Escape', 'Esc'],
    ['n', 'n'],
  ])('%s in the confirm dialog cancels: nothing is killed, the log says so', async (key) => {
    const world = pool.tmuxServer('watched');
    world.newSession('claude-agent-a', 'sleep 600');
    world.newSession('claude-agent-hup', `sh -c "trap '' HUP; sleep 600 & wait"`);
    world.newSession('notes', 'sleep 600');
    const pids = [...(await tree(world, 'claude-agent-a')), ...(await tree(world, 'claude-agent-hup', 1)), ...(await tree(world, 'notes'))];
    const sessions = world.sessions();

    const t = startConsole(world, { width: 120, height: 40 });
    const orchTop = await t.pid();
    await t.until(/2 agent sessions \(\+1 other\) · 2 orphans/, 'two orphans');
    t.press('K');
    await t.until(/Confirm: kill orphans/, 'the confirm dialog');
    t.press(key);
    const cancelled = await t.until(/cancelled: kill orphans \(nothing was signalled\)/, 'the cancellation in the event log');
    expect(cancelled).not.toContain('Confirm:');
    const later = await t.ticks(4);
    expect(later).not.toContain('Confirm:');
    expect(later).toMatch(/2 agent sessions \(\+1 other\) · 2 orphans/);
    expect(world.sessions()).toEqual(sessions);
    for (const p of pids) expect(alive(p), `pid ${p}`).toBe(true);
    expect(existsSync(auditPath())).toBe(false);

    t.press('q');
    await expectCleanExit(t, world, orchTop, 0);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s while the console runs (a dialog open): exit %i, the terminal restored, nothing left, nothing killed', async (signal, status) => {
    const world = pool.tmuxServer('watched');
    world.newSession('claude-agent-a', 'sleep 600');
    world.newSession('notes', 'sleep 600');
    const pids = [...(await tree(world, 'claude-agent-a')), ...(await tree(world, 'notes'))];

    const t = startConsole(world, { width: 120, height: 40 });
    const orchTop = await t.pid();
    await t.until(/1 agent session \(\+1 other\) · 1 orphan/, 'the orphan');
    t.press('K');
    await t.until(/Confirm: kill orphans/, 'the confirm dialog');
    expect(t.mode().alternateScreen).toBe(true);

    process.kill(orchTop, signal);
    await expectCleanExit(t, world, orchTop, status);
    expect(world.sessions()).toEqual(['claude-agent-a', 'notes']);
    for (const p of pids) expect(alive(p), `pid ${p}`).toBe(true);
    expect(existsSync(auditPath())).toBe(false);
  });

  it('a terminal smaller than 80×24 says so; resized, it lays the console out, and back', async () => {
    const world = pool.tmuxServer('watched');
    world.newSession('claude-agent-a', 'sleep 600');
    world.newSession('notes', 'sleep 600');
    const pids = [...(await tree(world, 'claude-agent-a')), ...(await tree(world, 'notes'))];

    const t = startConsole(world, { width: 70, height: 20 });
    const orchTop = await t.pid();
    const small = await t.until(/orch-top needs a terminal of at least 80×24/, 'the size message');
    expect(small).toContain('this one is 70×20');
    expect(small).not.toContain('agent session');

    t.resize(100, 30);
    const full = await t.until(/1 agent session \(\+1 other\) · 1 orphan/, 'the console after the resize');
    expect(full).not.toContain('needs a terminal');
    const rows = full.split('\n');
    expect(rows[0]).toMatch(/^orch-top {2}orchestrator DOWN/);
    expect(rows[3]).toMatch(/^ 1 Sessions 1 {2}2 Processes/);
    expect(full).toMatch(/^▶claude-agent-a\s+orphan/m);
    expect(full).toMatch(/─ events \(\d+, all in 5\) ─/);
    expect(full).toMatch(/\? help .* q quit/);
    expect(Math.max(...rows.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(rows.length).toBeLessThanOrEqual(30);

    t.resize(75, 30);
    await t.until(/this one is 75×30/, 'the size message again, narrower');
    t.resize(100, 30);
    await t.until(/1 agent session \(\+1 other\) · 1 orphan/, 'the console again');

    t.press('q');
    await expectCleanExit(t, world, orchTop, 0);
    for (const p of pids) expect(alive(p)).toBe(true);
  });

  it('- down to 30 s and + back to 500 ms takes effect at once: ticks resume, the header never says STALE', async () => {
    const world = pool.tmuxServer('watched');
    world.newSession('claude-agent-a', 'sleep 600');
    await tree(world, 'claude-agent-a');
    const t = startConsole(world, { width: 120, height: 32 }, ['--interval', '500ms']);
    const orchTop = await t.pid();
    await t.until(/every 500ms · tick/, 'polling at 500 ms');
    for (let i = 0; i < 5; i++) t.press('-');
    await t.until(/every 30s/, 'the interval at 30 s');
    await t.ticks(1, 5_000).catch(() => t.screen()); // a tick in flight may still land
    for (let i = 0; i < 6; i++) t.press('+');
    await t.until(/every 250ms|every 500ms/, 'the interval back down');
    t.press('-');
    await t.until(/every 500ms/, 'the interval at 500 ms');
    // Well before the old 30 s timer: ticks come again, and no screen in between says STALE.
    const from = t.tick() ?? 0;
    const seen: string[] = [];
    await t.until(
      (screen) => {
        seen.push(screen);
        return (t.tick(screen) ?? 0) >= from + 6;
      },
      'six more ticks at 500 ms',
      10_000,
    );
    for (const screen of seen) expect(screen).not.toMatch(/STALE/);
    t.press('q');
    await expectCleanExit(t, world, orchTop, 0);
  });

  it.each([
    [80, 24],
    [120, 32],
  ] as const)('at %i×%i: the table, its sort mark, the help laid out whole, nothing wider or taller than the terminal', async (width, height) => {
    const world = pool.tmuxServer('watched');
    world.newSession('claude-agent-a', 'sleep 600');
    world.newSession('claude-agent-b', 'sleep 600');
    await tree(world, 'claude-agent-a');
    const t = startConsole(world, { width, height });
    const orchTop = await t.pid();
    const first = await t.until(/2 agent sessions · 2 orphans/, 'two orphans');
    const fits = (screen: string) => {
      const rows = screen.replace(/\n+$/, '').split('\n');
      expect(rows.length).toBeLessThanOrEqual(height);
      for (const r of rows) expect(r.length).toBeLessThanOrEqual(width);
    };
    fits(first);
    // Under the tabs, the history strip: no --serve records here, so one line saying how to start one.
    expect(first.split('\n')[4]).toMatch(/^ history: no --serve recording/);
    expect(first.split('\n')[5]).toMatch(/^ SESSION +STATUS▲ +WHY/);
    t.press('s', 's');
    const byAge = await t.until(/AGE▲/, 'the age column marked');
    fits(byAge);
    t.press('?');
    const help = await t.until(/orch-top keys/, 'the help');
    fits(help);
    const inside = help.split('\n').filter((l) => l.startsWith('│'));
    expect(inside.length).toBeGreaterThan(10);
    for (const l of inside) expect(l).not.toContain('…');
    // The groups' headings stand alone: the left column never runs into the right one.
    expect(help).toMatch(/│ Move {2,}/);
    t.press('q'); // q in the help quits
    await expectCleanExit(t, world, orchTop, 0);
  });
});
