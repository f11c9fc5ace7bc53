// Where a tmux server's socket lives, as tmux itself computes it, so $TMUX in a process's environment
// can be matched to the server orch-top watches even when that server is not running any more.
import { resolve } from 'node:path';
import type { ProcInfo, TmuxServer, TmuxState } from './types.js';

export function expectedSocketPath(server: TmuxServer, env: NodeJS.ProcessEnv, uid: number): string {
  if (server.socketPath) return resolve(server.socketPath);
  const base = env.TMUX_TMPDIR && env.TMUX_TMPDIR.length ? env.TMUX_TMPDIR : '/tmp';
  return `${base.replace(/\/+$/, '')}/tmux-${uid}/${server.socketName ?? 'default'}`;
}

/**
 * Why the pid a tmux answer named cannot be the server that owns the socket, or null when it can:
 * it must be a live process, a tmux (comm "tmux…"), run by the uid that owns the socket file. A
 * server that fails this is reported and none of its sessions is an agent session.
 */
export function serverDoubt(tmux: TmuxState, procs: ReadonlyMap<number, ProcInfo>): string | null {
  if (!tmux.running || tmux.serverPid === null || tmux.error) return null;
  const pid = tmux.serverPid;
  const p = procs.get(pid);
  const not = (why: string) => `tmux server pid ${pid} ${why}: not trusted as the socket's server; none of its sessions is treated as an agent's`;
  if (!p || p.state === 'Z' || p.state === 'X') return not('is not a live process');
  if (!p.comm.startsWith('tmux')) return not('is not a tmux');
  if (tmux.socketUid === null || p.uid === null) return not("cannot be matched to the socket's owner");
  if (p.uid !== tmux.socketUid) return not(`runs as uid ${p.uid}, the socket belongs to uid ${tmux.socketUid}`);
  return null;
}
