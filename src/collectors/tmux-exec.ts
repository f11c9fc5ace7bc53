// Runs one tmux command against one server, with a timeout (and, for exit hooks, blocking). The only
// place that spawns tmux; it decides nothing about what the output means.
import { spawn, spawnSync } from 'node:child_process';
import { serverLabel } from '../model/servers.js';
import type { TmuxServer } from '../model/types.js';

const TMUX_TIMEOUT_MS = 3_000;

/** The socket arguments for a server: `-S path` wins over `-L name`; neither means tmux's default. */
export function socketArgs(server: TmuxServer): string[] {
  if (server.socketPath) return ['-S', server.socketPath];
  if (server.socketName) return ['-L', server.socketName];
  return [];
}

/** How a server is named to a person: "-L name", "-S path" or "default". */
export const describeServer = (server: TmuxServer): string => serverLabel(server);

export interface TmuxResult {
  /** false when the tmux binary could not be started (ENOENT, EACCES). */
  spawned: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** A one-line description when it did not exit 0. */
  error: string | null;
}

/**
 * Runs tmux with a deadline that really ends it. tmux runs in its own process group; at the deadline
 * the whole group gets SIGKILL and the result comes back at once, without waiting for EOF on its
 * pipes: a child of a (fake or broken) tmux may hold stdout open for ever, and execa (like
 * child_process's own `timeout`) kills only the direct child and then waits for that EOF, so execa is
 * not used here. An exit with a pipe still held open past the deadline counts as a timeout too.
 */
export function runTmux(server: TmuxServer, args: string[], opts: { timeoutMs?: number; tmuxBin?: string } = {}): Promise<TmuxResult> {
  const bin = opts.tmuxBin ?? process.env.ORCH_TOP_TMUX ?? 'tmux';
  const timeoutMs = opts.timeoutMs ?? TMUX_TIMEOUT_MS;
  return new Promise<TmuxResult>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let done = false;
    let exitCode: number | null = null;
    // A tmux started from inside tmux must not think it is nested.
    const child = spawn(bin, [...socketArgs(server), ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMUX: '' } });
    if (child.pid) running.add(child.pid);
    const finish = (r: Omit<TmuxResult, 'stdout' | 'stderr'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.pid) running.delete(child.pid);
      child.stdout?.destroy();
      child.stderr?.destroy();
      const stderr = Buffer.concat(err).toString('utf8').trim();
      const error = r.error ?? (r.exitCode !== 0 ? stderr.split('\n')[0] || `tmux exited with ${r.exitCode}` : null);
      resolve({ ...r, stdout: Buffer.concat(out).toString('utf8'), stderr, error });
    };
    const timer = setTimeout(() => {
      killGroup(child.pid);
      finish({ spawned: true, exitCode, timedOut: true, error: `tmux ${args[0] ?? ''} timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({ spawned: false, exitCode: null, timedOut: false, error: `tmux not found or not runnable (${bin}): ${e.code ?? e.message}` });
    });
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
    });
    // 'close' comes once tmux has exited and both pipes reached EOF.
    child.on('close', (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
      finish({ spawned: true, exitCode, timedOut: false, error: null });
    });
  });
}

/** Process groups of the tmux calls still running (this thread's): what endTmuxCalls ends. */
const running = new Set<number>();

/**
 * Ends every tmux call still running in this thread, and everything those started: for a collector
 * being closed, whose pending calls would otherwise outlive it (their groups are detached).
 */
export function endTmuxCalls(): void {
  for (const pid of running) killGroup(pid);
  running.clear();
}

/** Ends our own tmux child and everything it started (its process group), whatever they hold open. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    // biome-ignore lint/plugin/signals-only-in-actions: the deadline of our own child's process group (spawned detached just above), not a plan's target
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * tmux's words for "nothing is listening on that socket": an empty world, not an error. A socket we
 * may not open ("Permission denied": another user's server) is an error to report, not "no server".
 */
export function isNoServer(stderr: string): boolean {
  if (/no server running|failed to connect to server/i.test(stderr)) return true;
  return /error connecting to .*\((No such file or directory|Connection refused)\)/i.test(stderr);
}

/**
 * runTmux for code that runs when no event loop does any more (a process 'exit' hook): the same
 * arguments, environment, timeout and result, blocking.
 */
export function runTmuxSync(server: TmuxServer, args: string[], opts: { timeoutMs?: number; tmuxBin?: string } = {}): TmuxResult {
  const bin = opts.tmuxBin ?? process.env.ORCH_TOP_TMUX ?? 'tmux';
  const r = spawnSync(bin, [...socketArgs(server), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: opts.timeoutMs ?? TMUX_TIMEOUT_MS,
    env: { ...process.env, TMUX: '' },
  });
  const stderr = (r.stderr ?? '').trim();
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  const timedOut = code === 'ETIMEDOUT';
  const spawned = !r.error || timedOut;
  let error: string | null = null;
  if (timedOut) error = `tmux ${args[0] ?? ''} timed out after ${opts.timeoutMs ?? TMUX_TIMEOUT_MS} ms`;
  else if (!spawned) error = `tmux not found or not runnable (${bin}): ${code ?? String(r.error)}`;
  else if (r.status !== 0) error = stderr.split('\n')[0] || `tmux exited with ${r.status}`;
  return { spawned, exitCode: r.status, stdout: r.stdout ?? '', stderr, timedOut, error };
}
