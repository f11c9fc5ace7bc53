// Aligned plain-text tables. Columns have a priority: on a narrow terminal the least important drop
// first, and the one flexible column (a command line) shrinks to what is left.

import { stripAnsi, type Paint, type Tone } from './theme.js';
import { truncate } from './format.js';

export interface Column<T> {
  header: string;
  get: (row: T) => string;
  align?: 'left' | 'right';
  tone?: (row: T) => Tone | null;
  /** Lower drops last; 0 never drops. */
  priority?: number;
  /** Takes the remaining width and truncates to it. */
  flex?: boolean;
  /** Never wider than this (truncated with an ellipsis). */
  max?: number;
  /** For the flex column: narrower than this, drop other columns first (default 12). */
  min?: number;
}

export function renderTable<T>(rows: T[], columns: Column<T>[], paint: Paint, width = Infinity, indent = '  '): string[] {
  const gap = 2;
  let cols = [...columns];
  const cells = (cs: Column<T>[]) => rows.map((r) => cs.map((c) => c.get(r)));
  const widthsOf = (cs: Column<T>[], data: string[][]) =>
    cs.map((c, i) => Math.min(c.max ?? Infinity, Math.max(c.header.length, ...data.map((row) => row[i]!.length))));
  const total = (ws: number[]) => indent.length + ws.reduce((a, b) => a + b, 0) + gap * (ws.length - 1);
  let data = cells(cols);
  let widths = widthsOf(cols, data);
  const minOf = (c: Column<T>) => c.min ?? 12;
  // Drop by priority while even a squeezed flex column would not fit.
  for (;;) {
    const fixed = total(widths.map((w, i) => (cols[i]!.flex ? Math.min(w, minOf(cols[i]!)) : w)));
    if (fixed <= width) break;
    const droppable = cols.filter((c) => (c.priority ?? 1) > 0);
    if (!droppable.length) break;
    const worst = droppable.reduce((a, b) => ((b.priority ?? 1) >= (a.priority ?? 1) ? b : a));
    cols = cols.filter((c) => c !== worst);
    data = cells(cols);
    widths = widthsOf(cols, data);
  }
  const flexIdx = cols.findIndex((c) => c.flex);
  if (flexIdx >= 0 && total(widths) > width) {
    const others = total(widths) - widths[flexIdx]!;
    widths[flexIdx] = Math.max(Math.min(widths[flexIdx]!, minOf(cols[flexIdx]!)), width - others);
  }
  const line = (vals: string[], tones: (Tone | null)[] | null) =>
    indent +
    vals
      .map((v, i) => {
        const w = widths[i]!;
        const t = truncate(v, w);
        const padded = cols[i]!.align === 'right' ? t.padStart(w) : i === vals.length - 1 ? t : t.padEnd(w);
        const tone = tones?.[i];
        return tone ? paint(tone, padded) : padded;
      })
      .join(' '.repeat(gap));
  const out = [paint('dim', stripAnsi(line(cols.map((c) => c.header), null)))];
  rows.forEach((r, ri) => out.push(line(data[ri]!, cols.map((c) => c.tone?.(r) ?? null))));
  return out.map((l) => l.replace(/\s+$/, ''));
}
