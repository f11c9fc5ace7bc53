// Small formatters shared by every view: sizes, durations, percentages. Pure.

export function formatBytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'n/a';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v < 10 ? v.toFixed(1) : Math.round(v)}${units[i]}`;
}

/** Local time of day, HH:MM:SS (the console's tick and event times). */
export const formatClock = (t: number) => new Date(t).toTimeString().slice(0, 8);

/** 59s, 3m12s, 4h05m, 2d03h */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

export function formatPct(p: number): string {
  return p >= 100 ? `${Math.round(p)}` : p.toFixed(1);
}

export function formatCount(n: number | null): string {
  return n === null ? 'n/a' : String(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Cuts a string to `width` columns with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  return s.length <= width ? s : width === 1 ? '…' : `${s.slice(0, width - 1)}…`;
}

const SPARKS = '▁▂▃▄▅▆▇█';
export function sparkline(values: number[], width = values.length): string {
  const v = values.slice(-width);
  if (!v.length) return '';
  const min = Math.min(...v);
  const max = Math.max(...v);
  return v.map((x) => SPARKS[max === min ? 0 : Math.round(((x - min) / (max - min)) * (SPARKS.length - 1))]).join('');
}
