// Runs one tmux command against one server, with a timeout (and, for exit hooks, blocking). The only
// place that spawns tmux; it decides nothing about what the output means.
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import type { TmuxServer } from '../model/types.js';

const TMUX_TIMEOUT_MS = 3_000;

/** The socket arguments for a server: `-S path` wins over `-L name`; neither means tmux's default. */
export function socketArgs(server: TmuxServer): string[] {
  if (server.socketPath) return ['-S', server.socketPath];
  if (server.socketName) return ['-L', server.socketName];
  return [];
}

/** How a server is named to a person: "-L name", "-S path" or "default". */
export function describeServer(server: TmuxServer): string {
  if (server.socketPath) return `-S ${server.socketPath}`;
  if (server.socketName) return `-L ${server.socketName}`;
  return 'default';
}

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

export async function runTmux(server: TmuxServer, args: string[], opts: { timeoutMs?: number; tmuxBin?: string } = {}): Promise<TmuxResult> {
  const bin = opts.tmuxBin ?? process.env.ORCH_TOP_TMUX ?? 'tmux';
  const r = await execa(bin, [...socketArgs(server), ...args], {
    reject: false,
    timeout: opts.timeoutMs ?? TMUX_TIMEOUT_MS,
    stdin: 'ignore',
    // A tmux started from inside tmux must not think it is nested.
    env: { TMUX: '' },
    stripFinalNewline: false,
  });
  const spawnFailed = r.failed && r.exitCode === undefined && !r.timedOut;
  const stderr = typeof r.stderr === 'string' ? r.stderr.trim() : '';
  let error: string | null = null;
  if (r.timedOut) error = `tmux ${args[0] ?? ''} timed out after ${opts.timeoutMs ?? TMUX_TIMEOUT_MS} ms`;
  else if (spawnFailed) error = `tmux not found or not runnable (${bin}): ${(r as { code?: string }).code ?? r.shortMessage}`;
  else if (r.exitCode !== 0) error = stderr.split('\n')[0] || `tmux exited with ${r.exitCode}`;
  return {
    spawned: !spawnFailed,
    exitCode: r.exitCode ?? null,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr,
    timedOut: r.timedOut,
    error,
  };
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
