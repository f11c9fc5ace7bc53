// The console's action service on real things: a private tmux server with TERM-proof orphan sessions,
// the real poller and collector. One plan at a time (a second is refused while the first waits out its
// grace period), cancel stops signalling, every act lands in the event log and the audit log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleActions } from '../../src/actions/console-actions.js';
import { inProcessCollector } from '../../src/collector.js';
import { makeStore } from '../../src/cli/looker.js';
import { parseCli, type Config } from '../../src/config.js';
import { startPoller, type Poller } from '../../src/store/poller.js';
import { ProcessPool, alive, childrenOf, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
let poller: Poller | null = null;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-console-actions-'));
});
afterEach(async () => {
  await poller?.stop();
  poller = null;
  await pool.teardown();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(server: TmuxServerFixture, audit: string) {
  const r = parseCli(
    ['-L', server.socketName, '--orchestrator-match', 'no_such_orchestrator_for_console_actions', '--interval', '200ms', '--audit-log', audit],
    { HOME: dir },
    dir,
  );
  if (r.kind !== 'run') throw new Error('bad args');
  const config: Config = r.config;
  const env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
  const collector = inProcessCollector(config, { env, cwd: dir, extraWorkspaces: [] });
  const { store } = makeStore(config, env, 'off');
  poller = startPoller(store, () => collector.tick());
  const service = createConsoleActions({ store, config, env, poller, execute: { pollMs: 25 } });
  return { store, service, config };
}

const texts = (events: { text: string }[]) => events.map((e) => e.text);

describe('the console action service', () => {
  it('runs one plan at a time: a second is refused while the first waits out its grace, and both are on record', async () => {
    const s = pool.tmuxServer('svc');
    // A pane shell that ignores TERM and HUP: the session's plan must wait for the grace period.
    s.newSession('claude-agent-stubborn', `sh -c "trap '' TERM HUP; sleep 600 & wait"`);
    s.newSession('notes', 'sleep 600');
    const shell = s.panePid('=claude-agent-stubborn:');
    const notes = s.panePid('=notes:');
    const [kid] = await waitFor(() => (childrenOf(shell).length ? childrenOf(shell) : null), 3000, 'a sleeper');
    pool.track(kid!);
    const audit = join(dir, 'audit-1.jsonl');
    const { store, service } = setup(s, audit);
    await waitFor(() => store.getState().snapshot?.summary.orphans === 1, 5000, 'the orphan');

    const plan = service.plan({ kind: 'kill-orphans' })!;
    expect(plan.steps.map((x) => x.kind)).toEqual(['session']);
    const first = service.run({ ...plan, graceMs: 800 });
    expect(service.busy()).toBe(true);
    await waitFor(() => store.getState().activity?.label, 2000, 'the activity');
    // A second destructive act while the first runs: refused with a message, not interleaved.
    await service.run(service.plan({ kind: 'reap-zombies' }) ?? plan);
    expect(texts(store.getState().events).some((t) => /refused: "kill orphans.*" is still running/.test(t))).toBe(true);
    await first;
    expect(service.busy()).toBe(false);
    expect(store.getState().activity).toBeNull();

    expect(alive(shell)).toBe(false);
    expect(alive(kid!)).toBe(false);
    expect(alive(notes)).toBe(true);
    expect(s.sessions()).toEqual(['notes']);
    const log = texts(store.getState().events);
    expect(log.some((t) => /^killed: pid \d+ .*SIGTERM → SIGKILL/.test(t))).toBe(true);
    expect(log.some((t) => /^✓ kill orphans .*done in/.test(t))).toBe(true);

    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; mode?: string });
    const events = records.map((r) => r.event);
    expect(events).toContain('plan');
    expect(events).toContain('result');
    expect(events[events.length - 1]).toBe('done');
    await service.idle();
  });

  it('cancel: nothing more is signalled, and the log says what stands', async () => {
    const s = pool.tmuxServer('svc-cancel');
    s.newSession('claude-agent-stubborn', `sh -c "trap '' TERM HUP; sleep 600 & wait"`);
    const shell = s.panePid('=claude-agent-stubborn:');
    const [kid] = await waitFor(() => (childrenOf(shell).length ? childrenOf(shell) : null), 3000, 'a sleeper');
    pool.track(kid!);
    pool.track(shell); // it survives the cancelled plan on purpose, outside its killed session: SIGKILL at teardown
    const { store, service } = setup(s, join(dir, 'audit-2.jsonl'));
    await waitFor(() => store.getState().snapshot?.summary.orphans === 1, 5000, 'the orphan');
    const plan = service.plan({ kind: 'kill-orphans' })!;
    const run = service.run({ ...plan, graceMs: 30_000 });
    // Once SIGTERM went out (the shell ignores it), cancel before the SIGKILL is due.
    await waitFor(() => texts(store.getState().events).some((t) => /▶ kill orphans/.test(t)) && store.getState().activity?.total, 5000, 'the grace period');
    service.cancel();
    await run;
    expect(alive(shell)).toBe(true); // TERM-proof, and SIGKILL was never sent
    const log = texts(store.getState().events);
    expect(log).toContain('cancelling: nothing more will be signalled');
    expect(log.some((t) => /^✗ kill orphans .*cancelled in .*left/.test(t))).toBe(true);
  });
});
