// A table over one panel's rows: a header, the rows that fit (scrolled to keep the cursor in view),
// the cursor as a bar, an expanded row's details under it. Columns come from the panel spec and drop
// by priority when the terminal is narrow. Draws only; the rows and the cursor come from outside.
// Widths are sticky (a column that grew stays that wide until the terminal is resized), so values
// that grow do not make the columns beside them jitter; the sorted column is marked ▲/▼ and never
// dropped. Memoised: a frame that changes nothing it draws (a log line) does not redraw it.

import { Box } from 'ink';
import { memo, useRef } from 'react';
import { type Column, GAP, fitCell, layoutColumns } from '../../render/table.js';
import type { PanelSpec, ViewCtx } from '../panels.js';
import { wrapLine } from '../wrap.js';
import { Line, type Segment } from './Line.js';

export interface DataTableProps<T> {
  spec: PanelSpec<T>;
  ctx: ViewCtx;
  rows: T[];
  /** Row index of the cursor, -1 for none. */
  cursor: number;
  /** The selected row is gone: the cursor is drawn as a placeholder, not a selection. */
  lost: boolean;
  expandedId: string | null;
  width: number;
  height: number;
  empty: string;
  /** The sorted column's header (none: the tree order) and whether it runs largest first. */
  sortColumn: string | null;
  sortDesc: boolean;
}

const MARKS = /[▲▼]$/;

/** The spec's columns with the sort mark and the widths seen so far (by `sticky`). */
function markedColumns<T>(columns: Column<T>[], sticky: Map<string, number>, sortColumn: string | null, sortDesc: boolean): Column<T>[] {
  return columns.map((c) => {
    const seen = c.flex ? undefined : sticky.get(c.header);
    const w = seen === undefined ? c.width : Math.max(c.width ?? 0, seen);
    if (c.header !== sortColumn) return { ...c, width: w };
    return { ...c, header: c.header + (sortDesc ? '▼' : '▲'), priority: 0, width: w };
  });
}

function DataTableView<T>({ spec, ctx, rows, cursor, lost, expandedId, width, height, empty, sortColumn, sortDesc }: DataTableProps<T>) {
  const offsetRef = useRef(0);
  const sticky = useRef({ key: '', widths: new Map<string, number>() });
  if (sticky.current.key !== `${spec.id}:${width}`) sticky.current = { key: `${spec.id}:${width}`, widths: new Map() };
  const layout = layoutColumns(rows, markedColumns(spec.columns(ctx, width), sticky.current.widths, sortColumn, sortDesc), width - 1, 1);
  layout.columns.forEach((c, i) => {
    if (!c.flex) sticky.current.widths.set(c.header.replace(MARKS, ''), layout.widths[i]!);
  });
  const expandedAt = expandedId === null ? -1 : rows.findIndex((r) => spec.rowId(r) === expandedId);
  // Details wrap (they are read, not scanned), up to what leaves room for a few rows.
  const wrapAt = Math.max(20, width - 6);
  const detail =
    expandedAt >= 0
      ? spec
          .detail(rows[expandedAt]!, ctx)
          .flatMap((l) => wrapLine(l, wrapAt))
          .slice(0, Math.max(1, height - 4))
      : [];
  // A table longer than its room gives its last line to where the view is (a header cannot hold
  // it on a narrow screen).
  const long = rows.length > Math.max(1, height - 1 - detail.length);
  const bodyRows = Math.max(1, height - 1 - detail.length - (long ? 1 : 0));
  // Keep the previous scroll position while the cursor stays inside it (htop-like), else follow it.
  let offset = Math.min(offsetRef.current, Math.max(0, rows.length - bodyRows));
  if (cursor >= 0 && cursor < offset) offset = cursor;
  if (cursor >= offset + bodyRows) offset = cursor - bodyRows + 1;
  // An expanded row stays visible with its details.
  if (expandedAt >= 0 && (expandedAt < offset || expandedAt >= offset + bodyRows)) offset = Math.max(0, Math.min(expandedAt, rows.length - bodyRows));
  offsetRef.current = offset;

  const headerSegs: Segment[] = [{ text: ' ' }];
  layout.columns.forEach((c, i) =>
    headerSegs.push({ text: fitCell(layout, i, c.header) + (i < layout.columns.length - 1 ? ' '.repeat(GAP) : ''), token: 'muted' }),
  );
  const lines = [<Line key="h" width={width} segments={headerSegs} />];
  if (!rows.length) lines.push(<Line key="empty" width={width} segments={[{ text: ` ${empty}`, token: 'muted' }]} />);
  const shown = rows.slice(offset, offset + bodyRows);
  shown.forEach((row, k) => {
    const i = offset + k;
    const at = i === cursor;
    // The cursor is a bar (inverse) and a mark, so it shows where attributes do not (TERM=dumb).
    const segs: Segment[] = [{ text: at ? (lost ? '?' : '▶') : ' ' }];
    layout.columns.forEach((c, ci) => {
      const last = ci === layout.columns.length - 1;
      segs.push({ text: fitCell(layout, ci, c.get(row), last && !at), token: at ? null : (c.tone?.(row) ?? null) });
      if (!last) segs.push({ text: ' '.repeat(GAP) });
    });
    lines.push(<Line key={spec.rowId(row)} width={width} segments={segs} token={at ? (lost ? 'lost' : 'selected') : null} />);
    if (i === expandedAt)
      detail.forEach((d, di) =>
        lines.push(<Line key={`d${di}`} width={width} segments={[{ text: `   ${di === detail.length - 1 ? '└' : '│'} `, token: 'muted' }, { text: d }]} />),
      );
  });
  if (long) {
    const below = rows.length - offset - shown.length;
    lines.push(
      <Line
        key="pos"
        width={width}
        segments={[
          {
            text: ` rows ${offset + 1}-${offset + shown.length} of ${rows.length}${below > 0 ? ` · ${below} more below` : ''} · PgUp PgDn Home End`,
            token: 'muted',
          },
        ]}
      />,
    );
  }
  return (
    <Box flexDirection="column" height={height}>
      {lines}
    </Box>
  );
}

export const DataTable = memo(DataTableView) as typeof DataTableView;
