// Feeds the store at the store's interval. A tick never overlaps the previous one: the next starts
// only after the last finished (a setTimeout chain, not setInterval), and a tick that overran the
// interval is counted as slow instead of being stacked (the log says when a run of slow ticks starts
// and when it ends). Changing the interval, or resuming, reschedules at once: the timer armed for the
// old interval is dropped, so going from 30 s back to 500 ms does not wait out the 30 s.

import type { StoreApi } from 'zustand/vanilla';
import type { Snapshot } from '../model/types.js';
import type { AppState } from './store.js';

export interface Poller {
  /** Runs one tick now (waits for a tick in flight instead of overlapping it). */
  tickNow(): Promise<void>;
  /** A tick that starts after this call (a tick in flight may have read the world before an act). */
  tickFresh(): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
}

export function startPoller(store: StoreApi<AppState>, collect: () => Promise<Snapshot>, opts: { now?: () => number } = {}): Poller {
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let stopped = false;
  let lastStart: number | null = null;
  let lastEnd: number | null = null;

  const runOnce = async () => {
    // No store change when a tick starts: nothing on the screen shows it, and every change is a frame.
    const started = now();
    lastStart = started;
    try {
      const snapshot = await collect();
      const took = now() - started;
      store.getState().ingest(snapshot, took);
      if (took > store.getState().intervalMs) store.getState().tickSlow(took);
      else store.getState().tickOnTime(took);
    } catch (e) {
      store.getState().tickFailed((e as Error).message ?? String(e), now() - started);
    } finally {
      lastEnd = now();
    }
  };

  const tickNow = (): Promise<void> => {
    if (inFlight) return inFlight;
    inFlight = runOnce().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const schedule = () => {
    if (stopped) return;
    const interval = store.getState().intervalMs;
    // Due one interval after the last start; but after a slow tick leave at least half an interval
    // of rest, so a machine too slow for the interval is polled less often, not continuously.
    const due = lastStart === null || lastEnd === null ? now() : Math.max(lastStart + interval, lastEnd + interval / 2);
    const wait = store.getState().paused ? interval : Math.max(0, due - now());
    timer = setTimeout(async () => {
      timer = null;
      if (!stopped && !store.getState().paused) await tickNow();
      schedule();
    }, wait);
  };
  schedule();
  // A new interval or a resume: re-arm the waiting timer for it (a tick in flight re-arms on its own).
  const unsubscribe = store.subscribe((state, prev) => {
    if (stopped || !timer) return;
    if (state.intervalMs === prev.intervalMs && state.paused === prev.paused) return;
    clearTimeout(timer);
    timer = null;
    schedule();
  });

  const tickFresh = async (): Promise<void> => {
    while (inFlight) await inFlight;
    return tickNow();
  };

  return {
    tickNow,
    tickFresh,
    async stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      timer = null;
      if (inFlight) await inFlight;
    },
    get running() {
      return !stopped;
    },
  };
}
