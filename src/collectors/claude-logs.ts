// The claude session id each agent's stream log names: the reference orchestrator tees claude's
// stream-json output to `<workspace>/logs/<agent id>_stream.jsonl`, whose `{"type":"system",
// "subtype":"init","session_id":…}` line (hook lines may come before it) carries the id that claude
// (2.1.154+) also puts in its MCP servers' environment as CLAUDE_CODE_SESSION_ID. I/O only: whether
// a process carrying that id is the agent's leftover is the model's judgement (model/leaks.ts).
//
// The log is the agent's own file and grows for as long as it runs: only the first LOG_HEAD_BYTES are
// read, of a regular file only (opened non-blocking, checked with fstat on the open descriptor), and
// the answer is cached per (agent, log file) while the file's identity and size/mtime say it is the same.

import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { ClaudeLogSession, WorkspaceState } from '../model/types.js';

export const LOG_HEAD_BYTES = 16 * 1024;
/** An agent id that can be one path component (the orchestrator's are `<type>-<HHMMSS>-<6 hex>`). */
const SAFE_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** claude's session ids are UUIDs; anything of another shape is not one. */
const SESSION_ID = /^[0-9A-Za-z][0-9A-Za-z-]{7,63}$/;

/** The session id of the first init line among the complete lines of `head`, or null. */
export function initSessionId(head: string): string | null {
  const lines = head.split('\n');
  lines.pop(); // the last piece may be cut by the bound
  for (const line of lines) {
    if (!line.includes('"init"')) continue;
    try {
      const o = JSON.parse(line) as { type?: unknown; subtype?: unknown; session_id?: unknown };
      if (o && o.type === 'system' && o.subtype === 'init') return typeof o.session_id === 'string' && SESSION_ID.test(o.session_id) ? o.session_id : null;
    } catch {
      /* not a JSON line: go on */
    }
  }
  return null;
}

/** The first `max` bytes of a regular file, or null (missing, not a regular file, unreadable). */
function readHead(path: string, max: number): { text: string; ino: number; size: number; mtimeMs: number } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    const buf = Buffer.alloc(Math.min(max, Math.max(1, st.size)));
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return { text: buf.toString('utf8', 0, n), ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

interface Cached {
  ino: number;
  size: number;
  mtimeMs: number;
  sessionId: string | null;
}

/** Reads agents' stream logs, bounded, and remembers each answer while its file stays the same. */
export class ClaudeLogReader {
  private readonly cache = new Map<string, Cached>();

  /** The session id one log names, or null; the cache is keyed by (agent, log file). */
  private sessionOf(agentId: string, log: string): string | null {
    const key = `${agentId}\u0000${log}`;
    let st: { ino: number; size: number; mtimeMs: number };
    try {
      const s = statSync(log);
      if (!s.isFile()) return null;
      st = s;
    } catch {
      this.cache.delete(key);
      return null;
    }
    const c = this.cache.get(key);
    // Once the init line is read, appending to the log cannot change it: the same file is enough.
    if (c && c.ino === st.ino && ((c.size === st.size && c.mtimeMs === st.mtimeMs) || (c.sessionId !== null && st.size >= c.size))) return c.sessionId;
    const head = readHead(log, LOG_HEAD_BYTES);
    if (!head) return null;
    const sessionId = initSessionId(head.text);
    this.cache.set(key, { ino: head.ino, size: head.size, mtimeMs: head.mtimeMs, sessionId });
    return sessionId;
  }

  /** Every claude session id that a watched agent's log names. */
  read(workspaces: WorkspaceState[]): ClaudeLogSession[] {
    const out: ClaudeLogSession[] = [];
    const live = new Set<string>();
    for (const ws of workspaces) {
      for (const a of ws.agents) {
        if (!SAFE_ID.test(a.agentId)) continue;
        const log = `${ws.path.replace(/\/+$/, '')}/logs/${a.agentId}_stream.jsonl`;
        live.add(`${a.agentId}\u0000${log}`);
        const sessionId = this.sessionOf(a.agentId, log);
        if (sessionId) out.push({ sessionId, agentId: a.agentId, workspace: ws.path, log });
      }
    }
    for (const k of this.cache.keys()) if (!live.has(k)) this.cache.delete(k);
    return out;
  }
}
