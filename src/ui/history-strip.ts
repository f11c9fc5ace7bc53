// The strip above the Sessions and Descriptors tables: the last hour and the last day from a
// `--serve`'s history, as btop-like sparkline rows (a blank column: nothing was recorded then), or
// one quiet line on why there is nothing to draw (no --serve: how to start one). Pure: the store's
// history slice in, lines of segments out; HistoryStrip.tsx draws them.

import { COUNT_KEYS, type CountKey, DAY, HOUR, latest, range, type Series, squeeze } from '../model/history-series.js';
import type { HistoryState } from '../store/store.js';
import type { Segment } from './components/Line.js';

const SPARKS = '▁▂▃▄▅▆▇█';

/** A sparkline of `values` squeezed to `width`; a bucket with nothing recorded is a blank. Counts scale
 *  from zero (a count that stays at 1 is a full bar); descriptor counts from their smallest value. */
export function gapSparkline(values: Series, width: number, fromZero: boolean): string {
  const v = squeeze(values, width);
  const r = range(v);
  if (!r) return ' '.repeat(v.length);
  const lo = fromZero ? 0 : r.min;
  const span = Math.max(0, r.max - lo);
  return v.map((x) => (x === null ? ' ' : SPARKS[span <= 0 ? 0 : Math.round(((x - lo) / span) * (SPARKS.length - 1))])).join('');
}

/** How many lines the strip takes for this panel (0: none drawn). */
export function stripHeight(h: HistoryState | null, panel: string, body: number): number {
  if (!h || (panel !== 'sessions' && panel !== 'descriptors')) return 0;
  if (h.recordingBy === null || h.problem || !h.series || body < 14) return 1;
  return panel === 'sessions' ? 1 + COUNT_KEYS.length : 2;
}

const LABEL = 11;
const NOW_W = 5;
const TAIL_W = 9;

/** The widths of a strip row: label, hour sparkline, its "now", " │ ", day sparkline, its tail. */
function widths(width: number): { hour: number; day: number } {
  const rest = Math.max(8, width - 1 - LABEL - 1 - NOW_W - 3 - 1 - TAIL_W - 1);
  const hour = Math.min(HOUR.buckets, Math.floor(rest / 2));
  return { hour, day: Math.min(DAY.buckets, rest - hour) };
}

const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const num = (v: number | null) => (v === null ? '-' : String(v));

function titleLine(what: string, pid: number, w: { hour: number; day: number }): Segment[] {
  return [
    { text: ` ${pad('HISTORY', LABEL)} `, token: 'heading' },
    { text: pad(`${HOUR.label}${what}`, w.hour + 1 + NOW_W), token: 'muted' },
    { text: ' │ ', token: 'muted' },
    { text: `${DAY.label} · recorded by --serve pid ${pid}`, token: 'muted' },
  ];
}

const COUNT_LABEL: Record<CountKey, string> = { sessions: 'sessions', orphans: 'orphans', zombies: 'zombies', leaked: 'leaked' };
const COUNT_TONE: Record<CountKey, 'accent' | 'error' | 'warn'> = { sessions: 'accent', orphans: 'error', zombies: 'warn', leaked: 'error' };

function row(label: string, hour: Series, day: Series, w: { hour: number; day: number }, fromZero: boolean, tone: Segment['token']): Segment[] {
  const now = latest(hour);
  const r = range(day);
  const tail = !r ? '-' : fromZero ? `max ${r.max}` : `${r.min}–${r.max}`;
  const alarm = tone !== 'accent' && (r?.max ?? 0) > 0;
  return [
    { text: ` ${pad(label, LABEL)} `, token: 'muted' },
    { text: gapSparkline(hour, w.hour, fromZero), token: 'accent' },
    { text: ` ${padLeft(num(now), NOW_W)}`, token: alarm && (now ?? 0) > 0 ? tone : null },
    { text: ' │ ', token: 'muted' },
    { text: gapSparkline(day, w.day, fromZero), token: 'accent' },
    { text: ` ${padLeft(tail, TAIL_W)}`, token: alarm ? tone : null },
  ];
}

/** The one line drawn when there is no graph: no --serve, a history that cannot be read, nothing yet. */
function quietLine(h: HistoryState, tall: boolean): Segment[] | null {
  if (h.recordingBy === null) return [{ text: ' history: no --serve recording; orch-top --serve records the last hour and day', token: 'muted' }];
  if (h.problem) return [{ text: ` history (--serve pid ${h.recordingBy}): ${h.problem}`, token: 'muted' }];
  if (!h.series) return [{ text: ` history: recorded by --serve pid ${h.recordingBy}; nothing read yet`, token: 'muted' }];
  if (!tall) return [{ text: ` history: recorded by --serve pid ${h.recordingBy} (a taller terminal shows the last hour and day)`, token: 'muted' }];
  return null;
}

/** The Sessions panel's strip: each summary count over the last hour and the last day. */
export function sessionsStrip(h: HistoryState, width: number, height: number): Segment[][] {
  const quiet = quietLine(h, height > 1);
  if (quiet) return [quiet];
  const s = h.series!;
  const w = widths(width);
  return [titleLine('', h.recordingBy!, w), ...COUNT_KEYS.map((k) => row(COUNT_LABEL[k], s.hour[k], s.day[k], w, true, COUNT_TONE[k]))];
}

/** The Descriptors panel's strip: the selected process's descriptor count over the hour and the day. */
export function descriptorsStrip(h: HistoryState, selected: { id: string; label: string } | null, width: number, height: number): Segment[][] {
  const quiet = quietLine(h, height > 1);
  if (quiet) return [quiet];
  const w = widths(width);
  const title = titleLine(selected ? ` · ${selected.label}` : '', h.recordingBy!, w);
  const f = selected ? h.series!.fds[selected.id] : undefined;
  if (!selected) return [title, [{ text: ' select a process to see its descriptor count over the hour and the day', token: 'muted' }]];
  if (!f) return [title, [{ text: ` no descriptor samples of ${selected.label} in the last day (--serve records them every 30 s)`, token: 'muted' }]];
  return [title, row('descriptors', f.hour, f.day, w, false, 'warn')];
}
