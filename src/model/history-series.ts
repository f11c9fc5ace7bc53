// What the console draws from the history a `--serve` records: the last hour and the last day of
// the summary counts (agent sessions, orphans, zombies in scope, leaked processes) and of each watched
// process's descriptor count, as fixed time buckets aligned to the clock (each bucket the largest
// value seen in it: a spike is never averaged away; null: nothing was recorded then, so a gap in the
// recording reads as a gap). Pure: the rows come from history/recent.ts, the drawing is ui/'s.

/** One recorded tick's counts (or the largest of several, when the reader grouped them). */
export interface TickSample {
  at: number;
  sessions: number;
  orphans: number;
  zombies: number;
  leaked: number;
}

/** One watched process's descriptor count at `at` (pid and start time: a reused pid is another process). */
export interface FdSample {
  at: number;
  pid: number;
  startTime: number;
  fds: number;
}

/** What the console reads: the ticks of the last day, and the descriptor samples of the last hour
 *  and of the last day (these may be grouped coarser by the reader: each window is bucketed alone). */
export interface RecentHistoryRows {
  ticks: TickSample[];
  procsHour: FdSample[];
  procsDay: FdSample[];
}

export interface HistoryWindow {
  label: string;
  bucketMs: number;
  buckets: number;
}

export const HOUR: HistoryWindow = { label: 'last hour', bucketMs: 30_000, buckets: 120 };
export const DAY: HistoryWindow = { label: 'last day', bucketMs: 600_000, buckets: 144 };

export const COUNT_KEYS = ['sessions', 'orphans', 'zombies', 'leaked'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

/** One value per bucket, oldest first; null where nothing was recorded. */
export type Series = (number | null)[];

export interface HistorySeries {
  /** When the newest recorded tick of the last day was (epoch ms), or null: none. */
  last: number | null;
  hour: Record<CountKey, Series>;
  day: Record<CountKey, Series>;
  /** Per watched process (`pid:startTime`, the Descriptors panel's row id), when it has samples. */
  fds: Record<string, { hour: Series; day: Series }>;
}

/** The window's buckets ending with the one holding `now`, each the largest of the values in it. */
export function bucketSeries<T extends { at: number }>(rows: readonly T[], value: (row: T) => number, w: HistoryWindow, now: number): Series {
  const end = (Math.floor(now / w.bucketMs) + 1) * w.bucketMs;
  const start = end - w.buckets * w.bucketMs;
  const out: Series = new Array(w.buckets).fill(null);
  for (const r of rows) {
    if (r.at < start || r.at >= end) continue;
    const i = Math.floor((r.at - start) / w.bucketMs);
    const v = value(r);
    out[i] = out[i] === null ? v : Math.max(out[i]!, v);
  }
  return out;
}

function countsOf(ticks: readonly TickSample[], w: HistoryWindow, now: number): Record<CountKey, Series> {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, bucketSeries(ticks, (t) => t[k], w, now)])) as Record<CountKey, Series>;
}

function byProcess(rows: readonly FdSample[]): Map<string, FdSample[]> {
  const m = new Map<string, FdSample[]>();
  for (const r of rows) {
    const k = `${r.pid}:${r.startTime}`;
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const hasData = (s: Series) => s.some((v) => v !== null);

export function buildHistorySeries(rows: RecentHistoryRows, now: number): HistorySeries {
  const fds: HistorySeries['fds'] = {};
  const hour = byProcess(rows.procsHour);
  const day = byProcess(rows.procsDay);
  for (const k of new Set([...hour.keys(), ...day.keys()])) {
    const h = bucketSeries(hour.get(k) ?? [], (r) => r.fds, HOUR, now);
    const d = bucketSeries(day.get(k) ?? [], (r) => r.fds, DAY, now);
    if (hasData(h) || hasData(d)) fds[k] = { hour: h, day: d };
  }
  return {
    last: rows.ticks.reduce<number | null>((a, t) => (a === null || t.at > a ? t.at : a), null),
    hour: countsOf(rows.ticks, HOUR, now),
    day: countsOf(rows.ticks, DAY, now),
    fds,
  };
}

/** `values` squeezed into at most `width` columns, each the largest of its buckets (null: all empty). */
export function squeeze(values: Series, width: number): Series {
  if (values.length <= width) return [...values];
  const out: Series = [];
  for (let i = 0; i < width; i++) {
    const lo = Math.floor((i * values.length) / width);
    const hi = Math.max(lo + 1, Math.floor(((i + 1) * values.length) / width));
    let m: number | null = null;
    for (let j = lo; j < hi; j++) {
      const v = values[j]!;
      if (v !== null) m = m === null ? v : Math.max(m, v);
    }
    out.push(m);
  }
  return out;
}

/** The newest value recorded in a series, or null. */
export const latest = (s: Series): number | null => {
  for (let i = s.length - 1; i >= 0; i--) if (s[i] !== null) return s[i]!;
  return null;
};

/** The smallest and largest values recorded, or null. */
export function range(s: Series): { min: number; max: number } | null {
  const v = s.filter((x): x is number => x !== null);
  return v.length ? { min: Math.min(...v), max: Math.max(...v) } : null;
}
