// Aligned plain-text tables. Columns have a priority: on a narrow terminal the least important drop
// first, and the one flexible column (a command line) shrinks to what is left.

import { stripAnsi, type Paint, type Tone } from './theme.js';
import { truncate } from './format.js';
import { inert } from './inert.js';

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
  /** At least this wide whatever the rows hold, so the column does not jitter as its values grow. */
  width?: number;
}

export interface Layout<T> {
  columns: Column<T>[];
  widths: number[];
}

export const GAP = 2;

/**
 * Which columns fit in `width` and how wide each is: the least important drop first while even a
 * squeezed flex column would not fit; the flex column then takes what is left. Shared by the text
 * tables and the console's tables.
 */
export function layoutColumns<T>(rows: T[], columns: Column<T>[], width = Infinity, indent = 0): Layout<T> {
  let cols = [...columns];
  // Cells are outside strings (command lines, names): shown inert, and measured as shown.
  const cells = (cs: Column<T>[]) => rows.map((r) => cs.map((c) => inert(c.get(r))));
  const widthsOf = (cs: Column<T>[], data: string[][]) =>
    cs.map((c, i) => Math.min(c.max ?? Infinity, Math.max(c.width ?? 0, c.header.length, ...data.map((row) => row[i]!.length))));
  const total = (ws: number[]) => indent + ws.reduce((a, b) => a + b, 0) + GAP * (ws.length - 1);
  let data = cells(cols);
  let widths = widthsOf(cols, data);
  const minOf = (c: Column<T>) => c.min ?? 12;
  for (;;) {
    const fixed = total(widths.map((w, i) => (cols[i]!.flex ? Math.min(w, minOf(cols[i]!)) : w)));
    if (fixed <= width) break;
    const droppable = cols.filter((c) => (c.priority ?? 1) > 0);
    if (!droppable.length) break;
    const worst = droppable.reduce((a, b) => ((b.priority ?? 1) >= (a.priority ?? 1) ? b : a));
    const keep = cols.map((c) => c !== worst);
    cols = cols.filter((_, i) => keep[i]);
    data = data.map((row) => row.filter((_, i) => keep[i]));
    widths = widthsOf(cols, data);
  }
  const flexIdx = cols.findIndex((c) => c.flex);
  if (flexIdx >= 0 && total(widths) > width) {
    const others = total(widths) - widths[flexIdx]!;
    widths[flexIdx] = Math.max(Math.min(widths[flexIdx]!, minOf(cols[flexIdx]!)), width - others);
  }
  return { columns: cols, widths };
}

/** One cell padded (or cut) to its column's width. */
export function fitCell<T>(layout: Layout<T>, i: number, value: string, last = i === layout.columns.length - 1): string {
  const w = layout.widths[i]!;
  const t = truncate(inert(value), w);
  return layout.columns[i]!.align === 'right' ? t.padStart(w) : last ? t : t.padEnd(w);
}

export function renderTable<T>(rows: T[], columns: Column<T>[], paint: Paint, width = Infinity, indent = '  '): string[] {
  const layout = layoutColumns(rows, columns, width, indent.length);
  const cols = layout.columns;
  const line = (vals: string[], tones: (Tone | null)[] | null) =>
    indent +
    vals
      .map((v, i) => {
        const padded = fitCell(layout, i, v);
        const tone = tones?.[i];
        return tone ? paint(tone, padded) : padded;
      })
      .join(' '.repeat(GAP));
  const out = [
    paint(
      'dim',
      stripAnsi(
        line(
          cols.map((c) => c.header),
          null,
        ),
      ),
    ),
  ];
  for (const r of rows)
    out.push(
      line(
        cols.map((c) => c.get(r)),
        cols.map((c) => c.tone?.(r) ?? null),
      ),
    );
  return out.map((l) => l.replace(/\s+$/, ''));
}
