// The app store as the console draws it: one React update per burst of store changes, not one per
// change. A tick is several changes in one go (the snapshot, then the log lines it causes, then a slow
// mark); each would be a frame of its own through useStore, so they are gathered and drawn once, a
// microtask later. Changes to what the console does not draw make no frame at all (the history a
// --serve recorded is read in the same turn as a tick: one frame for both).
// "Now" is read with each such frame, so ages refresh with the tick; between ticks the clock moves on
// only to show STALE (use-stale-clock.ts).

import { useCallback, useEffect, useRef, useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { AppState } from '../store/store.js';

/** What the console draws from the app store. */
export type AppFrame = Pick<AppState, 'snapshot' | 'events' | 'tick' | 'intervalMs' | 'paused' | 'activity' | 'history'> & { now: number };

const KEYS = ['snapshot', 'events', 'tick', 'intervalMs', 'paused', 'activity', 'history'] as const;

function frameOf(s: AppState, now: number): AppFrame {
  return { snapshot: s.snapshot, events: s.events, tick: s.tick, intervalMs: s.intervalMs, paused: s.paused, activity: s.activity, history: s.history, now };
}

const drawnChanged = (a: AppFrame, s: AppState) => KEYS.some((k) => a[k] !== s[k]);

export function useAppFrame(store: StoreApi<AppState>, clock: () => number): [AppFrame, (now: number) => void] {
  const [frame, setFrame] = useState(() => frameOf(store.getState(), clock()));
  const shown = useRef(frame);
  shown.current = frame;
  useEffect(() => {
    let queued = false;
    const flush = () => {
      queued = false;
      const s = store.getState();
      if (!drawnChanged(shown.current, s)) return;
      shown.current = frameOf(s, clock());
      setFrame(shown.current);
    };
    // The store may have moved between the first render and this subscription.
    flush();
    const unsubscribe = store.subscribe(() => {
      if (queued) return;
      queued = true;
      queueMicrotask(flush);
    });
    return () => {
      unsubscribe();
      queued = true; // a queued flush after unmount does nothing
    };
  }, [store, clock]);
  // The stale clock moves "now" alone, between ticks.
  const setNow = useCallback((now: number) => setFrame((f) => (f.now === now ? f : { ...f, now })), []);
  return [frame, setNow];
}
