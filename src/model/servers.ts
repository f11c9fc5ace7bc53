// The tmux servers of one look, as the model and every view see them: a session id ("$3") or a pane
// id ("%7") means nothing without its server, so every reference to a session carries the server's
// label ("default", "-L name", "-S path") and is compared by both. Pure.

import type { ServerView, Snapshot, TmuxServer } from './types.js';

/** A session as other views refer to it: its id on its server. */
export interface SessionRef {
  sessionId: string | null;
  server?: string | null;
}

/** Whether a reference names this session (the same id on the same server). */
export function sameSession(ref: SessionRef, s: { id: string; server: string }): boolean {
  return ref.sessionId === s.id && (ref.server ?? s.server) === s.server;
}

/** One key per session of a look (for maps): the server and the id. */
export const sessionKey = (server: string | null | undefined, id: string): string => `${server ?? ''}\u0000${id}`;

/** How a server is named to a person: "-L name", "-S path" or "default". */
export function serverLabel(server: TmuxServer): string {
  if (server.socketPath) return `-S ${server.socketPath}`;
  if (server.socketName) return `-L ${server.socketName}`;
  return 'default';
}

/** How to reach a server again from its label (the inverse of serverLabel). */
export function serverTarget(label: string): TmuxServer {
  if (label.startsWith('-S ')) return { socketPath: label.slice(3) };
  if (label.startsWith('-L ')) return { socketName: label.slice(3) };
  return {};
}

/** Whether tmux itself could be run (the binary answered for at least one server). */
export function tmuxAvailable(snap: Pick<Snapshot, 'tmux'>): boolean {
  return snap.tmux.some((t) => t.available);
}

/** The first server whose look failed or cannot be trusted, as one line, or null. */
export function tmuxError(snap: Pick<Snapshot, 'tmux'>): string | null {
  const bad = snap.tmux.find((t) => t.error);
  if (!bad) return null;
  return snap.tmux.length > 1 ? `tmux ${bad.socket}: ${bad.error}` : bad.error;
}

/** Whether a look spans several servers: then every table names each row's. */
export function severalServers(snap: Pick<Snapshot, 'tmux' | 'sessions'>): boolean {
  return snap.tmux.filter((t) => t.running).length > 1 || new Set(snap.sessions.map((s) => s.server)).size > 1;
}

/** The server of a label, or null. */
export function serverOf(snap: Pick<Snapshot, 'tmux'>, label: string): ServerView | null {
  return snap.tmux.find((t) => t.socket === label) ?? null;
}

/** The servers that answered, for a one-line description ("default", "-L a, -L b"). */
export function serversLine(snap: Pick<Snapshot, 'tmux'>): string {
  if (snap.tmux.length === 1) return snap.tmux[0]!.socket;
  const running = snap.tmux.filter((t) => t.running).map((t) => t.socket);
  return running.length ? running.join(', ') : 'no server';
}

/**
 * A session's reference for the console (row ids, scopes): its id on the default server ("$3"),
 * "$3 -L name" on another. Labels are unique per look and ids carry no space, so it is unambiguous.
 */
export function sessionRef(server: string | null | undefined, id: string): string {
  return !server || server === 'default' ? id : `${id} ${server}`;
}
