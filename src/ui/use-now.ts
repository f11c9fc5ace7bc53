// "Now" for ages and staleness, advanced every second so a late tick shows as stale even when
// nothing else changes. Tests pass a fixed clock and no ticking, so frames are reproducible.

import { useEffect, useState } from 'react';

export function useNow(clock: () => number, everyMs: number): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    if (!everyMs) return;
    const t = setInterval(() => setNow(clock()), everyMs);
    return () => clearInterval(t);
  }, [clock, everyMs]);
  return now;
}
