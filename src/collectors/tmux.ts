// Lists every pane of one tmux server with ONE `list-panes -a` call per tick, whatever the number of
// sessions. I/O and parsing only: which sessions matter is the model's business.
//
// Separator: tmux 3.x escapes control characters inside format *values* (a tab in a session name
// comes out as the two characters "\t", 0x1f as "\037") but leaves those in the format string
// itself alone, so a raw 0x1f between fields can never be confused with a value.

import type { TmuxPane, TmuxServer, TmuxState } from '../model/types.js';
import { isNoServer, runTmux } from './tmux-exec.js';

const SEP = '\u001f';
const FIELDS = [
  'session_id',
  'session_name',
  'session_created',
  'session_attached',
  'window_id',
  'window_index',
  'pane_id',
  'pane_index',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_current_command',
  'pid',
  'socket_path',
] as const;
export const PANE_FORMAT = FIELDS.map((f) => `#{${f}}`).join(SEP);

export interface ParsedPanes {
  panes: TmuxPane[];
  serverPid: number | null;
  socketPath: string | null;
}

/** Parses list-panes output in PANE_FORMAT; lines that do not fit are skipped. */
export function parsePaneLines(text: string): ParsedPanes {
  const panes: TmuxPane[] = [];
  let serverPid: number | null = null;
  let socketPath: string | null = null;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split(SEP);
    if (f.length !== FIELDS.length) continue;
    const [sessionId, sessionName, created, attached, windowId, windowIndex, paneId, paneIndex, panePid, dead, deadStatus, cmd, pid, sock] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!sessionId.startsWith('$') || !paneId.startsWith('%')) continue;
    serverPid = Number(pid) || serverPid;
    socketPath = sock || socketPath;
    panes.push({
      sessionId,
      sessionName,
      sessionCreated: Number(created) || 0,
      sessionAttached: Number(attached) || 0,
      windowId,
      windowIndex: Number(windowIndex) || 0,
      paneId,
      paneIndex: Number(paneIndex) || 0,
      panePid: Number(panePid) || 0,
      paneDead: dead === '1',
      paneDeadStatus: dead === '1' && deadStatus !== '' ? Number(deadStatus) : null,
      currentCommand: cmd,
    });
  }
  return { panes, serverPid, socketPath };
}

export async function listPanes(server: TmuxServer, opts: { timeoutMs?: number; tmuxBin?: string } = {}): Promise<TmuxState> {
  const r = await runTmux(server, ['list-panes', '-a', '-F', PANE_FORMAT], opts);
  const base: TmuxState = { server, available: r.spawned, running: false, socketPath: null, serverPid: null, error: null, panes: [] };
  if (!r.spawned) return { ...base, error: r.error };
  if (r.exitCode !== 0 || r.timedOut) {
    if (!r.timedOut && isNoServer(r.stderr)) return base;
    return { ...base, error: r.error };
  }
  const parsed = parsePaneLines(r.stdout);
  return { ...base, running: true, ...parsed };
}
