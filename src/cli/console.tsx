// `orch-top` in a terminal: the Ink console over the store. This wires the worker collector, the
// poller, the action service and the screen, and takes them all down again on q, Ctrl-C, SIGTERM or
// SIGHUP: the terminal is restored, an action running is cancelled (nothing more is signalled), the
// poller and the worker stop, the pane memory is saved, and no child process is left. The console
// records no history: it reads a live `--serve`'s (console-history.ts), read-only, for its graphs.

import { render } from 'ink';
import { createConsoleActions } from '../actions/console-actions.js';
import type { Config } from '../config.js';
import { type Seen, workerCollector } from '../collector.js';
import { colorWanted } from '../render/theme.js';
import { startPoller } from '../store/poller.js';
import { followHistory } from './console-history.js';
import { watchSnapshots } from '../store/watch.js';
import { sleepSync, within } from '../sleep.js';
import { Console } from '../ui/Console.js';
import { EXIT, makeStore, type RunCtx, whenFirstSnapshot } from './looker.js';

const ALT_SCREEN_ON = '\u001b[?1049h\u001b[?25l';
const ALT_SCREEN_OFF = '\u001b[?25h\u001b[?1049l';
/** The bound on each step of quitting that waits on something else. */
const QUIT_STEP_MS = 250;

export async function runConsole(config: Config, ctx: RunCtx & { stdin: NodeJS.ReadStream; title?: string }): Promise<number> {
  const out = ctx.out as NodeJS.WriteStream;
  // The panes earlier runs saw, so what they left is traced from the first tick; saved again on quit.
  const { store, history, save } = makeStore(config, ctx.env, 'read-write');
  // Tick in a worker thread: the screen and the keys never wait for /proc or the model.
  const collector = workerCollector(config, { env: ctx.env, cwd: ctx.cwd, extraWorkspaces: ctx.extraWorkspaces, history });
  const unwatch = watchSnapshots(store);
  // The last hour and day from a --serve's history (not the demo's: that world is not the one recorded).
  const unfollow = config.demo ? () => {} : followHistory(store, ctx.env);
  if (ctx.afterFirstLook) whenFirstSnapshot(store, ctx.afterFirstLook);
  const poller = startPoller(store, () => collector.tick());
  const service = createConsoleActions({ store, config, env: ctx.env, poller });

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    out.write(ALT_SCREEN_OFF);
  };
  // Whatever ends the process, the terminal comes back.
  process.once('exit', restore);
  out.write(ALT_SCREEN_ON);

  let code: number = EXIT.clean;
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  const onSignal = (sig: NodeJS.Signals) => {
    code = sig === 'SIGHUP' ? 129 : sig === 'SIGINT' ? 130 : 143;
    store.getState().log('warn', `${sig}: quitting`);
    quit();
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);

  const app = render(<Console store={store} service={service} quit={() => quit()} color={colorWanted(out, ctx.env)} title={ctx.title ?? 'orch-top'} />, {
    stdout: out,
    stdin: ctx.stdin,
    stderr: process.stderr,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: 20,
  });
  // If the view itself fails, Ink unmounts: take everything down as on q, then say why.
  let crash: Error | null = null;
  app.waitUntilExit().then(
    () => quit(),
    (e: unknown) => {
      crash = e instanceof Error ? e : new Error(String(e));
      quit();
    },
  );
  let stuck = false;
  try {
    await quitting;
  } finally {
    unfollow();
    const down = await takeDown({ service, app, unwatch, poller, collector, save });
    stuck = down.stuck;
    restore();
    process.off('exit', restore);
    for (const s of signals) process.off(s, onSignal);
    if (down.problem) ctx.err.write(`orch-top: ${down.problem}\n`);
  }
  if (stuck) dieWithoutWaiting(ctx.err, code);
  if (crash) {
    ctx.err.write(`orch-top: the console failed: ${(crash as Error).stack ?? String(crash)}\n`);
    return 70;
  }
  return code;
}

/**
 * Takes the console down in order, each wait bounded so quitting takes well under a second whatever a
 * collection or an action is doing: stop acting first (nothing more is signalled once the console is
 * going), then the screen, the worker (which fails the tick in flight, so the poller stops at once)
 * and the poller; the pane memory is saved last. Returns a problem saving it, and whether the worker
 * is stuck (blocked in a read).
 */
async function takeDown(p: {
  service: ReturnType<typeof createConsoleActions>;
  app: ReturnType<typeof render>;
  unwatch: () => void;
  poller: ReturnType<typeof startPoller>;
  collector: ReturnType<typeof workerCollector>;
  save: (seen: Seen) => string | null;
}): Promise<{ problem: string | null; stuck: boolean }> {
  p.service.cancel();
  await within(p.service.idle(), QUIT_STEP_MS);
  p.app.unmount();
  await within(p.app.waitUntilExit(), QUIT_STEP_MS);
  p.unwatch();
  const stopping = p.poller.stop();
  // The worker hands over what it has seen, then goes; a stuck worker never answers, so both are bounded.
  let problem: string | null = null;
  try {
    const asked = p.collector.seen();
    problem = (await within(asked, QUIT_STEP_MS)) ? p.save(await asked) : 'could not save the pane memory: the collector did not answer';
  } catch (e) {
    problem = `could not save the pane memory: ${(e as Error).message}`;
  }
  const closed = await p.collector.close();
  await within(stopping, QUIT_STEP_MS);
  return { problem, stuck: closed === 'stuck' };
}

/**
 * The worker is blocked in a read that nothing interrupts (a hung file system, a process stuck in the
 * kernel), and Node's exit waits for every worker thread: so the process ends by a signal instead, the
 * terminal already restored and the pane memory saved. A quit by signal dies by that signal (the exit
 * status a shell expects); q dies by SIGTERM.
 */
function dieWithoutWaiting(err: { write(s: string): unknown }, code: number): never {
  err.write('orch-top: the collector is blocked in a read and cannot be stopped; ending without waiting for it\n');
  const sig: NodeJS.Signals = code === 129 ? 'SIGHUP' : code === 130 ? 'SIGINT' : 'SIGTERM';
  // biome-ignore lint/plugin/signals-only-in-actions: ending orch-top itself by its own signal (no handler left), no target
  process.kill(process.pid, sig);
  // Delivered at once unless someone handles it (a library's exit hook re-raises it); then SIGKILL.
  sleepSync(300);
  // biome-ignore lint/plugin/signals-only-in-actions: the same, when a handler kept the first signal from ending us
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not end the process');
}
