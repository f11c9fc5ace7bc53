// The seed's success metrics over a stretch of history, each with its verdict: zero orphan sessions,
// zero zombies in scope and zero leaked processes at the end of the period; every shutdown's log
// ending "cleanup completed"; a stable descriptor count for every long-lived watched process (the
// growth detector of model/growth.ts over its samples). The acts taken and their outcomes are
// listed, with no verdict of their own. Pure: the rows come from history/db.ts.

import { judgeGrowth } from './growth.js';

export interface TickRow {
  at: number;
  sessions: number;
  orphans: number;
  zombies: number;
  zombiesOther: number;
  leaked: number;
  ghosts: number;
  fdGrowth: number;
  processes: number;
  fds: number | null;
}

export interface HistoryRows {
  ticks: TickRow[];
  orphans: { key: string; name: string; reason: string | null; firstAt: number; lastAt: number }[];
  leaks: { key: string; pid: number; command: string; firstAt: number; lastAt: number }[];
  procs: { at: number; pid: number; startTime: number; role: string; session: string | null; command: string; cpu: number; rss: number; fds: number | null }[];
  acts: { at: number; mode: string; target: string; outcome: string; detail: string | null }[];
  shutdowns: { at: number; mode: string; lastLine: string; clean: number }[];
}

export interface Metric {
  key: 'orphans' | 'zombies' | 'leaked' | 'shutdowns' | 'descriptors' | 'acts';
  label: string;
  /** true holds, false fails, null: no verdict (the acts). */
  holds: boolean | null;
  /** One line: the figures behind the verdict. */
  summary: string;
  /** Further lines (each orphan's life, each growing process). */
  details: string[];
  /** The series over the period, oldest first (one value per tick), for the chart. */
  series: number[];
}

export interface Report {
  since: number;
  until: number;
  ticks: number;
  /** When the first and last recorded ticks were. */
  first: number | null;
  last: number | null;
  metrics: Metric[];
  /** Every metric with a verdict holds. */
  holds: boolean;
}

export interface ReportOptions {
  since: number;
  now: number;
  /** A watched process is long-lived when its samples span at least this (default 10 min). */
  longLivedMs?: number;
}

const minutes = (ms: number) =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 3_600_000).toFixed(1)} h`;

/** A count that must be zero when the period ends (orphans, zombies in scope, leaked processes). */
function endsAtZero(key: 'orphans' | 'zombies' | 'leaked', label: string, rows: HistoryRows, distinct: number | null): Metric {
  const series = rows.ticks.map((t) => t[key]);
  const end = series.at(-1) ?? 0;
  const most = series.reduce((a, b) => Math.max(a, b), 0);
  const seen = distinct !== null ? `, ${distinct} different over the period` : '';
  return { key, label, holds: end === 0, summary: `${end} at the end, at most ${most} at once${seen}`, details: [], series };
}

function orphanMetric(rows: HistoryRows): Metric {
  const m = endsAtZero('orphans', 'orphan sessions', rows, rows.orphans.length);
  const lives = rows.orphans.map((o) => `${o.name}: orphan for ${minutes(o.lastAt - o.firstAt)}${o.reason ? ` (${o.reason})` : ''}`);
  return { ...m, details: lives.length > 10 ? [...lives.slice(0, 10), `… and ${lives.length - 10} more`] : lives };
}

function shutdownMetric(rows: HistoryRows): Metric {
  const n = rows.shutdowns.length;
  const clean = rows.shutdowns.filter((s) => s.clean).length;
  const unclean = rows.shutdowns.filter((s) => !s.clean).map((s) => `${new Date(s.at).toISOString()}: log ends "${s.lastLine}"`);
  return {
    key: 'shutdowns',
    label: 'shutdowns ending "cleanup completed"',
    holds: clean === n,
    summary: n === 0 ? 'no shutdown in the period' : `${clean} of ${n} (${Math.round((100 * clean) / n)} %)`,
    details: unclean,
    series: rows.shutdowns.map((s) => s.clean),
  };
}

function descriptorMetric(rows: HistoryRows, longLivedMs: number): Metric {
  const byProc = new Map<string, HistoryRows['procs']>();
  for (const p of rows.procs) {
    if (p.fds === null) continue;
    const k = `${p.pid}:${p.startTime}`;
    const list = byProc.get(k) ?? [];
    list.push(p);
    byProc.set(k, list);
  }
  let longLived = 0;
  const growing: string[] = [];
  for (const list of byProc.values()) {
    if (list.at(-1)!.at - list[0]!.at < longLivedMs) continue;
    longLived++;
    const v = judgeGrowth(list.map((p) => ({ t: p.at, n: p.fds! })));
    if (!v.growth) continue;
    const p = list[0]!;
    growing.push(`pid ${p.pid} ${p.command.slice(0, 60)}: ${list[0]!.fds} → ${list.at(-1)!.fds} descriptors, +${(v.slopePerMin ?? 0).toFixed(2)}/min`);
  }
  return {
    key: 'descriptors',
    label: 'descriptor count stable',
    holds: growing.length === 0,
    summary: `${growing.length} of ${longLived} long-lived watched process${longLived === 1 ? '' : 'es'} growing (over ${minutes(longLivedMs)} of samples)`,
    details: growing,
    series: rows.ticks.map((t) => t.fds ?? 0),
  };
}

function actMetric(rows: HistoryRows): Metric {
  const by = new Map<string, number>();
  for (const a of rows.acts) by.set(a.outcome, (by.get(a.outcome) ?? 0) + 1);
  const counts = [...by].map(([o, n]) => `${n} ${o}`).join(', ');
  return {
    key: 'acts',
    label: 'acts taken',
    holds: null,
    summary: rows.acts.length ? `${rows.acts.length}: ${counts}` : 'none',
    details: rows.acts
      .filter((a) => a.outcome === 'failed' || a.outcome === 'denied')
      .slice(0, 10)
      .map((a) => `${a.target}: ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`),
    series: [],
  };
}

/** The report over `rows` (already limited to the period); null when nothing was recorded in it. */
export function buildReport(rows: HistoryRows, o: ReportOptions): Report | null {
  if (rows.ticks.length === 0) return null;
  const metrics = [
    orphanMetric(rows),
    endsAtZero('zombies', 'zombies in scope', rows, null),
    endsAtZero('leaked', 'leaked processes', rows, rows.leaks.length),
    shutdownMetric(rows),
    descriptorMetric(rows, o.longLivedMs ?? 600_000),
    actMetric(rows),
  ];
  return {
    since: o.since,
    until: o.now,
    ticks: rows.ticks.length,
    first: rows.ticks[0]!.at,
    last: rows.ticks.at(-1)!.at,
    metrics,
    holds: metrics.every((m) => m.holds !== false),
  };
}

/** `values` squeezed into at most `width` buckets (each its maximum: a spike is never averaged away). */
export function bucketMax(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const lo = Math.floor((i * values.length) / width);
    const hi = Math.max(lo + 1, Math.floor(((i + 1) * values.length) / width));
    let m = -Infinity;
    for (let j = lo; j < hi; j++) m = Math.max(m, values[j]!);
    out.push(m);
  }
  return out;
}
