// Between ticks nothing changes on the screen but the staleness of the last look: instead of a clock
// that redraws every second, one timer fires when the last tick becomes stale (the header's STALE
// threshold), then every `everyMs` while it stays stale (the age it shows grows). A tick that comes in
// time re-arms it, so a healthy console draws one frame per tick and no more.

import { useEffect } from 'react';

/** When a tick that finished at `lastAt` is stale (the Header's rule). */
export const staleAt = (lastAt: number, intervalMs: number) => lastAt + 2 * intervalMs + 1_000;

export function useStaleClock(opts: {
  clock: () => number;
  /** 0: never (tests pin the clock). */
  everyMs: number;
  lastAt: number | null;
  intervalMs: number;
  paused: boolean;
  setNow: (now: number) => void;
}): void {
  const { clock, everyMs, lastAt, intervalMs, paused, setNow } = opts;
  useEffect(() => {
    if (!everyMs || paused || lastAt === null) return;
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = Math.max(everyMs, staleAt(lastAt, intervalMs) - clock() + 1);
      timer = setTimeout(() => {
        setNow(clock());
        arm();
      }, wait);
    };
    arm();
    return () => clearTimeout(timer);
  }, [clock, everyMs, lastAt, intervalMs, paused, setNow]);
}
