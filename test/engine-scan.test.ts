// The engine's partial /proc scan on real processes: what nobody watches is re-read by the whole
// scan every FULL_SCAN_MS, so an out-of-scope process turning zombie still shows within that bound;
// new processes and the watched ones show on the next tick.
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/config.js';
import { Engine, FULL_SCAN_MS } from '../src/engine.js';
import { childrenOf, ProcessPool, procState, sleep, waitFor } from './helpers/world.js';

const pool = new ProcessPool();
afterEach(() => pool.teardown());

// A parent that never waits for its child until SIGTERM (then reaps it and exits); the child sleeps
// until SIGUSR1.
const PARENT = `
my $k = fork();
if ($k == 0) { $SIG{USR1} = sub { exit 0 }; sleep 600; exit 0 }
$SIG{TERM} = sub { waitpid($k, 0); exit 0 };
sleep 600 while 1;
`;

const SETTLED_MS = 1_200;

function engineFor(tag: string) {
  const s = pool.tmuxServer(tag);
  s.newSession('claude-agent-scan', 'sleep 600');
  const r = parseCli(['--snapshot', '-L', s.socketName, '--orchestrator-match', 'no_such_orchestrator_for_scan_tests'], {}, '/');
  if (r.kind !== 'run') throw new Error('bad args');
  return { engine: new Engine(r.config, { env: {}, cwd: '/' }), server: s };
}

describe('the partial /proc scan', () => {
  it('an out-of-scope process that turns zombie shows within the whole-scan bound', async () => {
    const { engine } = engineFor('scan');
    const parent = pool.spawn('perl', ['-e', PARENT]).pid!;
    const [child] = await waitFor(() => (childrenOf(parent).length ? childrenOf(parent) : null), 3000, 'the child');
    pool.track(child!);
    // Older than a second, a process's command line is settled: from then on only a whole scan re-reads it.
    await sleep(SETTLED_MS);
    await engine.tick();
    await engine.tick();
    process.kill(child!, 'SIGUSR1');
    await waitFor(() => procState(child!) === 'Z', 3000, 'the zombie');
    const zombie = await waitFor(
      async () => {
        const snap = await engine.tick();
        await sleep(100);
        return snap.zombies.find((z) => z.pid === child) ?? null;
      },
      FULL_SCAN_MS + 3000,
      'the zombie in a snapshot',
    );
    expect(zombie).toMatchObject({ pid: child, ppid: parent, parentInScope: false });
  });

  it('a new session, and a watched process turning zombie, show on the next tick', async () => {
    const s = pool.tmuxServer('scan2');
    s.newSession('claude-agent-scan', `perl -e '${PARENT.replace(/\n/g, ' ')}'`);
    const pane = s.panePid('=claude-agent-scan:');
    const [child] = await waitFor(() => (childrenOf(pane).length ? childrenOf(pane) : null), 3000, 'the child');
    pool.track(child!);
    const r = parseCli(['--snapshot', '-L', s.socketName, '--orchestrator-match', 'no_such_orchestrator_for_scan_tests'], {}, '/');
    if (r.kind !== 'run') throw new Error('bad args');
    const engine = new Engine(r.config, { env: {}, cwd: '/' });
    await sleep(SETTLED_MS);
    await engine.tick();
    await engine.tick();
    s.newSession('claude-agent-scan2', 'sleep 600');
    process.kill(child!, 'SIGUSR1');
    await waitFor(() => procState(child!) === 'Z', 3000, 'the zombie');
    const next = await engine.tick();
    expect(next.sessions.map((x) => x.name).sort()).toEqual(['claude-agent-scan', 'claude-agent-scan2']);
    expect(next.zombies.find((z) => z.pid === child)).toMatchObject({ ppid: pane, parentInScope: true });
  });
});
