// Which tmux servers to look at, and one look at each: by default every socket in the user's tmux
// directory ($TMUX_TMPDIR or /tmp, then tmux-UID/) — the default server, and every -L socket there
// (gastown's town socket, agent-deck's, Claude agent teams' hidden claude-swarm-* servers) —; with
// -L/-S, only that one. One `list-panes -a` per server per tick, all at once, each with its own
// deadline. A socket nobody answers on is a stale server, never an error. I/O only.

import { lstatSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import type { TmuxServer, TmuxState } from '../model/types.js';
import { describeServer } from './tmux-exec.js';
import { listPanes } from './tmux.js';

/** The user's tmux socket directory, as tmux computes it. */
export function socketDirOf(env: NodeJS.ProcessEnv, uid: number): string {
  const base = env.TMUX_TMPDIR && env.TMUX_TMPDIR.length ? env.TMUX_TMPDIR : '/tmp';
  return `${base.replace(/\/+$/, '')}/tmux-${uid}`;
}

/** -L/-S named one server: only that one is watched. */
export function isNarrowed(server: TmuxServer): boolean {
  return !!(server.socketName || server.socketPath);
}

/**
 * Every server of the user's socket directory: the default one first (listed even when it is not
 * there), then every other socket file the user owns, by name. Symlinks, other files, other users'
 * sockets and names tmux could not be given (with a '/', or empty) are not servers of this user.
 */
export function discoverServers(env: NodeJS.ProcessEnv, uid: number): TmuxServer[] {
  const dir = socketDirOf(env, uid);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [{}];
  }
  const out: TmuxServer[] = [{}];
  for (const name of names.sort()) {
    if (name === 'default' || !name.length || name.includes('/')) continue;
    try {
      const st = lstatSync(`${dir}/${name}`);
      if (st.isSocket() && st.uid === uid) out.push({ socketName: name });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export interface ServersLook {
  servers: TmuxState[];
  /** The directory every server came from, or null when -L/-S narrowed the look to one. */
  socketDir: string | null;
}

/** One look at every server to watch, in parallel, each call with its own deadline. */
export async function listServers(narrow: TmuxServer, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ServersLook> {
  const env = opts.env ?? process.env;
  const uid = process.getuid?.() ?? 0;
  if (isNarrowed(narrow)) return { servers: [await listPanes(narrow, { timeoutMs: opts.timeoutMs, env })], socketDir: null };
  const dir = socketDirOf(env, uid);
  const servers = await Promise.all(
    discoverServers(env, uid).map(async (s) => {
      // A socket file nobody listens on (a server that died) refuses a connect at once: stale, with no
      // tmux spawned for it — a user's directory can hold many. The default server is always asked.
      if (s.socketName && (await refuses(`${dir}/${s.socketName}`))) return staleServer(s);
      return listPanes(s, { timeoutMs: opts.timeoutMs, env });
    }),
  );
  return { servers, socketDir: dir };
}

/** Whether a Unix socket refuses a connection (no server listens); false when it answers or cannot tell. */
function refuses(path: string, ms = 250): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const done = (v: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), ms);
    sock.once('connect', () => done(false));
    sock.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
}

/** A server whose socket refused: listed as stale, never an error (as listPanes says of "no server"). */
function staleServer(server: TmuxServer): TmuxState {
  const label = describeServer(server);
  return { server, label, available: true, running: false, stale: true, socketPath: null, serverPid: null, socketUid: null, error: null, panes: [] };
}
