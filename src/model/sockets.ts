// Where a tmux server's socket lives, as tmux itself computes it, so $TMUX in a process's environment
// can be matched to the server orch-top watches even when that server is not running any more.
import { resolve } from 'node:path';
import type { TmuxServer } from './types.js';

export function expectedSocketPath(server: TmuxServer, env: NodeJS.ProcessEnv, uid: number): string {
  if (server.socketPath) return resolve(server.socketPath);
  const base = env.TMUX_TMPDIR && env.TMUX_TMPDIR.length ? env.TMUX_TMPDIR : '/tmp';
  return `${base.replace(/\/+$/, '')}/tmux-${uid}/${server.socketName ?? 'default'}`;
}
