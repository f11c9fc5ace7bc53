// The panes orch-top has seen, kept between runs in $XDG_STATE_HOME/orch-top/panes.json, so that a
// one-shot `--reap` from cron can trace what a pane left behind after the orchestrator killed its
// session between two runs (a SIGHUP-proof child keeps $TMUX/$TMUX_PANE naming a pane that is gone).
// Without it, such a process is an "untraced leftover": listed, never touched.
//
// A pane id is unique for the life of one tmux server, and entries are keyed by the server's pid; a
// reboot (a new boot time) discards the file, so a server pid reused after a reboot never inherits
// another server's panes. Each pane keeps its pane process's start time and its server's (a pid alone
// is never evidence); a file from before they were kept loads them as unknown. Entries not seen for a day are dropped. A missing or unreadable file is an
// empty memory, never an error: it only ever adds traces.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../config.js';
import { writeFileAtomic } from '../files.js';
import { DEFAULT_CLASSIFY, type History, type SeenPane } from '../model/classify.js';

/** As long as the model remembers a gone pane (DEFAULT_CLASSIFY.paneRetentionMs): one figure. */
export const PANE_MEMORY_MS = DEFAULT_CLASSIFY.paneRetentionMs;
const MAX_ENTRIES = 20_000;

export function paneMemoryPath(env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'panes.json');
}

interface FileShape {
  version: 1;
  bootTime: number;
  savedAt: number;
  panes: SeenPane[];
  sessions: Omit<SeenPane, 'panePid' | 'paneId'>[];
}

/** A start time in clock ticks, or null/absent for "unknown" (files written before it was kept). */
const optionalTicks = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
/** Unknown starts load as null: such a pane gives no session-id evidence (model/leaks.ts). */
const withStarts = <T extends { paneStart?: number | null; serverStart?: number | null; lastSeenTicks?: number | null }>(v: T): T => ({
  ...v,
  serverStart: v.serverStart ?? null,
  ...('paneStart' in v || 'panePid' in v ? { paneStart: v.paneStart ?? null } : {}),
});

const isSeen = (v: unknown): v is SeenPane => {
  const o = v as Record<string, unknown>;
  return (
    !!o &&
    typeof o.serverPid === 'number' &&
    typeof o.paneId === 'string' &&
    typeof o.sessionId === 'string' &&
    typeof o.sessionName === 'string' &&
    typeof o.agent === 'boolean' &&
    typeof o.panePid === 'number' &&
    typeof o.lastSeen === 'number' &&
    optionalTicks(o.lastSeenTicks) &&
    optionalTicks(o.paneStart) &&
    optionalTicks(o.serverStart)
  );
};
const isSeenSession = (v: unknown): v is Omit<SeenPane, 'panePid' | 'paneId'> => {
  const o = v as Record<string, unknown>;
  return (
    !!o &&
    typeof o.serverPid === 'number' &&
    typeof o.sessionId === 'string' &&
    typeof o.sessionName === 'string' &&
    typeof o.agent === 'boolean' &&
    typeof o.lastSeen === 'number' &&
    optionalTicks(o.lastSeenTicks) &&
    optionalTicks(o.serverStart)
  );
};

/** The remembered panes and sessions (only the history's pane parts), or empty ones. */
export function loadPaneMemory(path: string, bootTime: number, now = Date.now()): Pick<History, 'panes' | 'sessions'> {
  const empty = { panes: new Map<string, SeenPane>(), sessions: new Map<string, Omit<SeenPane, 'panePid' | 'paneId'>>() };
  let data: FileShape;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as FileShape;
  } catch {
    return empty;
  }
  if (!data || data.version !== 1 || data.bootTime !== bootTime || !Array.isArray(data.panes) || !Array.isArray(data.sessions)) return empty;
  for (const p of data.panes) if (isSeen(p) && now - p.lastSeen <= PANE_MEMORY_MS) empty.panes.set(`${p.serverPid}:${p.paneId}`, withStarts(p));
  for (const s of data.sessions) if (isSeenSession(s) && now - s.lastSeen <= PANE_MEMORY_MS) empty.sessions.set(`${s.serverPid}:${s.sessionId}`, withStarts(s));
  return empty;
}

/** Writes the memory atomically, mode 0600 (it names sessions). Failing to write is not fatal. */
export function savePaneMemory(path: string, hist: Pick<History, 'panes' | 'sessions'>, bootTime: number, now = Date.now()): string | null {
  const newest = <T extends { lastSeen: number }>(m: Map<string, T>) =>
    [...m.values()]
      .filter((v) => now - v.lastSeen <= PANE_MEMORY_MS)
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .slice(0, MAX_ENTRIES);
  const data: FileShape = { version: 1, bootTime, savedAt: now, panes: newest(hist.panes), sessions: newest(hist.sessions) };
  try {
    writeFileAtomic(path, JSON.stringify(data), 0o600, 0o700);
    return null;
  } catch (e) {
    return `could not save the pane memory ${path}: ${(e as Error).message}`;
  }
}
