// Lists every pane of one tmux server with ONE `list-panes -a` call per tick, whatever the number of
// sessions. I/O and parsing only: which sessions matter is the model's business.
//
// The output is untrusted: a pane's process chooses its own argv and its session's name. tmux 3.3a
// escapes control characters inside most format *values* (a newline in a session name comes out as
// the two characters "\n", 0x1f as "\037") but prints #{pane_current_command} raw, so a process named
// "x\n$9\x1f..." could print a whole forged line. So: only fields tmux escapes or that are checked by
// their shape are asked for (the pane's command comes from /proc, not tmux); every field of every
// line is validated (ids, numbers, no raw control character, the exact field count); every line must
// carry the same server pid and the socket path orch-top asked for. A line that does not validate
// makes the whole answer doubtful (a pane left out would make its live processes look like a gone
// pane's leftovers), so it is reported as the server's error, which stops every cleanup: nothing is
// touched on a look that could be forged. The separator 0x1f sits in the format string itself, which
// tmux leaves alone, so it can never come from a value.

import { lstatSync, realpathSync, statSync } from 'node:fs';
import { expectedSocketPath } from '../model/sockets.js';
import type { TmuxPane, TmuxServer, TmuxState } from '../model/types.js';
import { inert } from '../render/inert.js';
import { describeServer, isNoServer, runTmux } from './tmux-exec.js';

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
  'pid',
  'socket_path',
] as const;
export const PANE_FORMAT = FIELDS.map((f) => `#{${f}}`).join(SEP);

// C0, DEL and C1: tmux escapes all of them in every field asked for, so a raw one means a forgery.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const COUNT = /^\d{1,15}$/;
const ID = { $: /^\$\d{1,15}$/, '@': /^@\d{1,15}$/, '%': /^%\d{1,15}$/ } as const;

export interface ParsedPanes {
  panes: TmuxPane[];
  serverPid: number | null;
  socketPath: string | null;
  /** Lines that did not validate (dropped), and the first of them made inert; 0 and null when all did. */
  dropped: number;
  firstBad: string | null;
}

/** A string with every control character shown as text (render/inert.ts), cut to `max` characters:
 *  safe in any report. */
function excerpt(s: string, max = 120): string {
  return inert(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** One line's pane, or null when any field fails its shape. */
function paneOf(f: string[]): { pane: TmuxPane; pid: number; sock: string } | null {
  if (f.length !== FIELDS.length || f.some((v) => CONTROL.test(v))) return null;
  const [sessionId, sessionName, created, attached, windowId, windowIndex, paneId, paneIndex, panePid, dead, deadStatus, pid, sock] = f as [
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
  if (!ID.$.test(sessionId) || !ID['@'].test(windowId) || !ID['%'].test(paneId)) return null;
  if (![created, attached, windowIndex, paneIndex, panePid, pid].every((v) => COUNT.test(v))) return null;
  if ((dead !== '0' && dead !== '1') || !/^\d{0,3}$/.test(deadStatus) || Number(panePid) < 2 || Number(pid) < 2 || !sock.startsWith('/')) return null;
  const pane: TmuxPane = {
    sessionId,
    sessionName,
    sessionCreated: Number(created),
    sessionAttached: Number(attached),
    windowId,
    windowIndex: Number(windowIndex),
    paneId,
    paneIndex: Number(paneIndex),
    panePid: Number(panePid),
    paneDead: dead === '1',
    paneDeadStatus: dead === '1' && deadStatus !== '' ? Number(deadStatus) : null,
  };
  return { pane, pid: Number(pid), sock };
}

/**
 * Parses list-panes output in PANE_FORMAT. A line whose fields do not validate, or whose server pid
 * or socket path differs from the first valid line's, is dropped and counted.
 */
export function parsePaneLines(text: string): ParsedPanes {
  const r: ParsedPanes = { panes: [], serverPid: null, socketPath: null, dropped: 0, firstBad: null };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const p = paneOf(line.split(SEP));
    const same = p && (r.serverPid === null || (p.pid === r.serverPid && p.sock === r.socketPath));
    if (!p || !same) {
      r.dropped++;
      r.firstBad ??= excerpt(line);
      continue;
    }
    r.serverPid = p.pid;
    r.socketPath = p.sock;
    r.panes.push(p.pane);
  }
  return r;
}

/** Whether the socket tmux answered on is the one orch-top asked for (symlinks resolved). */
function sameSocket(got: string, want: string): boolean {
  if (got === want) return true;
  try {
    return realpathSync(got) === realpathSync(want);
  } catch {
    return false;
  }
}

function socketOwner(path: string): number | null {
  try {
    return statSync(path).uid;
  } catch {
    return null;
  }
}

/** Why an answer cannot be trusted (a line that did not validate, another socket), or null. */
function doubt(parsed: ParsedPanes, want: string): string | null {
  if (parsed.dropped)
    return `tmux list-panes: ${parsed.dropped} line(s) did not validate and were dropped (first: "${parsed.firstBad}"); nothing is touched on this look`;
  if (parsed.socketPath !== null && !sameSocket(parsed.socketPath, want))
    return `tmux answered for socket "${excerpt(parsed.socketPath)}", not the one asked for (${excerpt(want)}); nothing is touched on this look`;
  return null;
}

/** Whether a socket file is there (a server that died without removing it leaves one). */
function socketFileThere(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * One look at one server: one `list-panes -a`, with its own deadline. No server on the socket is an
 * empty, not running server (stale when its socket file is still there), never an error.
 */
export async function listPanes(server: TmuxServer, opts: { timeoutMs?: number; tmuxBin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TmuxState> {
  const r = await runTmux(server, ['list-panes', '-a', '-F', PANE_FORMAT], opts);
  const want = expectedSocketPath(server, opts.env ?? process.env, process.getuid?.() ?? 0);
  const label = describeServer(server);
  const base: TmuxState = {
    server,
    label,
    available: r.spawned,
    running: false,
    stale: false,
    socketPath: null,
    serverPid: null,
    socketUid: null,
    error: null,
    panes: [],
  };
  if (!r.spawned) return { ...base, error: r.error };
  if (r.exitCode !== 0 || r.timedOut) {
    if (!r.timedOut && isNoServer(r.stderr)) return { ...base, stale: socketFileThere(want) };
    return { ...base, error: r.error };
  }
  const parsed = parsePaneLines(r.stdout);
  const error = doubt(parsed, want);
  const socketPath = parsed.socketPath ?? want;
  return { ...base, running: true, panes: parsed.panes, serverPid: parsed.serverPid, socketPath: parsed.socketPath, socketUid: socketOwner(socketPath), error };
}
