// The one store: the latest snapshot, tick timing and the event log. A zustand *vanilla* store, so
// --snapshot and --reap use it without React and the console binds to it with useStore. State
// changes only through these actions. It classifies nothing: a tick (Engine.tick, in the console's
// worker thread or in-process) hands it a finished Snapshot, and the history stays with the engine.
// The `history` slice is what the console's runner read from a `--serve`'s history database (the
// console draws it; it never writes one).

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HistorySeries } from '../model/history-series.js';
import type { Snapshot } from '../model/types.js';

export type EventLevel = 'info' | 'warn' | 'error';
export interface LogEvent {
  /** Increases by one per event for the store's life: an event's identity when old ones are dropped. */
  seq: number;
  at: number;
  level: EventLevel;
  text: string;
}

export interface TickInfo {
  count: number;
  /** When the last tick finished, epoch ms. */
  lastAt: number | null;
  durationMs: number | null;
  /** Ticks that took longer than the interval (the next one was not stacked on top). */
  slow: number;
  /** Slow ticks in a row now (0: the last tick was on time): the log says when a run starts and ends. */
  slowRun: number;
  /** The last tick's failure, cleared by the next good one. */
  error: string | null;
}

/** A plan being executed (the console shows its progress; one at a time). */
export interface Activity {
  label: string;
  startedAt: number;
  steps: number;
  targets: number;
  /** Settled targets of the current phase. */
  phase: number;
  done: number;
  total: number;
  graceLeftMs: number | null;
  results: number;
  cancelling: boolean;
}

/** The history a `--serve` records, as the console last read it. */
export interface HistoryState {
  /** The pid of the live --serve holding the state directory's lock, or null: none is recording. */
  recordingBy: number | null;
  /** Why the history could not be read (missing, locked, corrupt): one line. */
  problem: string | null;
  series: HistorySeries | null;
}

export interface AppState {
  snapshot: Snapshot | null;
  tick: TickInfo;
  intervalMs: number;
  paused: boolean;
  events: LogEvent[];
  activity: Activity | null;
  /** null: not read (outside the console, or the demo). */
  history: HistoryState | null;

  /** A tick's snapshot arrived (it took durationMs). */
  ingest(snapshot: Snapshot, durationMs: number): Snapshot;
  tickFailed(error: string, durationMs: number): void;
  tickSlow(durationMs: number): void;
  /** A tick within the interval: ends a run of slow ones (once, in the log). */
  tickOnTime(durationMs: number): void;
  setInterval(ms: number): void;
  setPaused(paused: boolean): void;
  log(level: EventLevel, text: string, at?: number): void;
  setActivity(activity: Activity | null): void;
  updateActivity(patch: Partial<Activity>): void;
  /** A new read of the history: no change at all (so no frame) when it says what the last one did. */
  setHistory(history: HistoryState | null): void;
}

export const MAX_EVENTS = 500;

export function createAppStore(opts: { intervalMs: number; classifyConfig?: unknown }): StoreApi<AppState> {
  let seq = 0;
  return createStore<AppState>()((set, get) => ({
    snapshot: null,
    tick: { count: 0, lastAt: null, durationMs: null, slow: 0, slowRun: 0, error: null },
    intervalMs: opts.intervalMs,
    paused: false,
    events: [],
    activity: null,
    history: null,

    ingest(snapshot, durationMs) {
      const { tick } = get();
      set({ snapshot, tick: { ...tick, count: tick.count + 1, lastAt: Date.parse(snapshot.takenAt), durationMs, error: null } });
      return snapshot;
    },
    tickFailed(error, durationMs) {
      const repeated = get().tick.error === error;
      set({ tick: { ...get().tick, error, durationMs } });
      // Once per failure, not once per tick: the header keeps showing it while it lasts.
      if (!repeated) get().log('error', `poll failed: ${error}`);
    },
    tickSlow(durationMs) {
      const t = get().tick;
      set({ tick: { ...t, slow: t.slow + 1, slowRun: t.slowRun + 1 } });
      // Once when a run of slow ticks starts, not once per tick: on a busy machine that is every tick.
      if (t.slowRun === 0) get().log('warn', `slow ticks: ${durationMs} ms (interval ${get().intervalMs} ms); the next is not stacked, polling eases off`);
    },
    tickOnTime(durationMs) {
      const t = get().tick;
      if (t.slowRun === 0) return;
      set({ tick: { ...t, slowRun: 0 } });
      get().log('info', `ticks on time again (${durationMs} ms) after ${t.slowRun} slow ${t.slowRun === 1 ? 'one' : 'ones'}`);
    },
    setInterval(ms) {
      set({ intervalMs: ms });
    },
    setPaused(paused) {
      set({ paused });
    },
    log(level, text, at = Date.now()) {
      const events = [...get().events, { seq: ++seq, at, level, text }];
      set({ events: events.length > MAX_EVENTS ? events.slice(-MAX_EVENTS) : events });
    },
    setActivity(activity) {
      set({ activity });
    },
    updateActivity(patch) {
      const a = get().activity;
      if (a) set({ activity: { ...a, ...patch } });
    },
    setHistory(history) {
      if (JSON.stringify(history) !== JSON.stringify(get().history)) set({ history });
    },
  }));
}
