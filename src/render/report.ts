// `--report` as text: one row per success metric (its verdict, its figures), a sparkline row of its
// series over the period, and the details (each orphan's life, each growing process). Every outside
// string (session names, command lines, log lines) is made inert here. Pure.

import { bucketMax, type Report } from '../model/report.js';
import { inert } from './inert.js';
import type { Paint } from './theme.js';

const SPARKS = '▁▂▃▄▅▆▇█';
/** A sparkline scaled from zero (a count that stays at 1 is a full bar, not a flat floor). */
export function countSparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((x) => SPARKS[max <= 0 ? 0 : Math.round((Math.max(0, x) / max) * (SPARKS.length - 1))]).join('');
}

const when = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function reportText(r: Report, paint: Paint, width = 100): string {
  const chart = Math.max(10, Math.min(60, width - 30));
  const lines = [paint('heading', `orch-top report · ${when(r.since)} → ${when(r.until)} · ${r.ticks} ticks recorded (${when(r.first!)} → ${when(r.last!)})`)];
  for (const m of r.metrics) {
    const verdict = m.holds === null ? paint('dim', '  —   ') : m.holds ? paint('ok', 'HOLDS ') : paint('error', 'FAILS ');
    lines.push(`${verdict} ${m.label}: ${inert(m.summary)}`);
    if (m.series.length) lines.push(`       ${paint('accent', countSparkline(bucketMax(m.series, chart)))}  max ${Math.max(...m.series)}`);
    for (const d of m.details) lines.push(`       ${inert(d)}`);
  }
  lines.push(
    r.holds ? paint('ok', 'every success metric holds') : paint('error', `${r.metrics.filter((m) => m.holds === false).length} success metric(s) fail`),
  );
  return `${lines.join('\n')}\n`;
}

/** The report as a versioned JSON document (strings exact). */
export function reportJson(r: Report): string {
  return `${JSON.stringify({ version: 1, kind: 'report', ...r, since: when(r.since), until: when(r.until), first: r.first && when(r.first), last: r.last && when(r.last) }, null, 2)}\n`;
}
