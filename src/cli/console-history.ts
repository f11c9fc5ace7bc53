// The console's view of the history: when a `--serve` is recording (it holds the state directory's
// lock, its pid alive with the start time it wrote), the last hour and day are read from its database,
// read-only, into the store's `history` slice; ui/ draws them and never reads the database. The
// console records nothing itself: one copy, the service's. A read happens at start and then with a
// tick at most every ~30 s, in the same turn as the tick's own store changes: the console draws the
// two as one frame, and a read that finds what the last one did changes nothing at all.

import type { StoreApi } from 'zustand/vanilla';
import { historyPath } from '../history/db.js';
import { lockHolder, lockPath } from '../history/lock.js';
import { RecentHistoryReader } from '../history/recent.js';
import { buildHistorySeries } from '../model/history-series.js';
import type { AppState, HistoryState } from '../store/store.js';

export const HISTORY_EVERY_MS = 30_000;

/** What the console shows of the history now: who records it, its last day, or one line on why not. */
export function readConsoleHistory(lock: string, reader: RecentHistoryReader, now: number): HistoryState {
  const pid = lockHolder(lock);
  if (pid === null) return { recordingBy: null, problem: null, series: null };
  const rows = reader.read(now);
  if (rows === null) return { recordingBy: pid, problem: `no history database at ${reader.path} yet`, series: null };
  if ('error' in rows) return { recordingBy: pid, problem: `cannot read it: ${rows.error} (${reader.path})`, series: null };
  return { recordingBy: pid, problem: null, series: buildHistorySeries(rows, now) };
}

/** Keeps the store's history slice current while the console runs; returns the stop. */
export function followHistory(store: StoreApi<AppState>, env: NodeJS.ProcessEnv, everyMs = HISTORY_EVERY_MS): () => void {
  const lock = lockPath(env);
  const reader = new RecentHistoryReader(historyPath(env));
  let readAt = -Infinity;
  const refresh = () => {
    readAt = Date.now();
    let h: HistoryState;
    try {
      h = readConsoleHistory(lock, reader, readAt);
    } catch (e) {
      h = { recordingBy: null, problem: `cannot read the history: ${(e as Error).message}`, series: null };
    }
    store.getState().setHistory(h);
  };
  refresh();
  let seen = store.getState().snapshot;
  return store.subscribe((s) => {
    if (s.snapshot === seen) return;
    seen = s.snapshot;
    if (Date.now() - readAt >= everyMs) refresh();
  });
}
