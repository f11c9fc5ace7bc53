// The panel tabs with their row counts, and the current panel's sort and filter.

import type { PanelId, ViewParams } from '../panels.js';
import { PANELS, PANEL_SPECS } from '../panels.js';
import { Line, type Segment } from './Line.js';

export function TabBar({
  panel,
  counts,
  params,
  scope,
  editing,
  width,
}: {
  panel: PanelId;
  counts: Record<PanelId, number>;
  params: ViewParams;
  scope: string | null;
  editing: boolean;
  width: number;
}) {
  const spec = PANEL_SPECS[panel];
  const sort = spec.sorts[params.sort % spec.sorts.length]!;
  const tail: Segment[] = [{ text: `  sort ${sort.label}${params.reverse ? ' ↑' : ''}`, token: 'muted' }];
  if (panel === 'processes' && scope) tail.push({ text: ` · session ${scope} only (a: all)`, token: 'warn' });
  if (params.filter && !editing) tail.push({ text: ` · filter "${params.filter}" (Esc clears)`, token: 'warn' });
  const tabs = (short: boolean): Segment[] =>
    PANELS.map((p, i) => ({ text: ` ${i + 1} ${short ? p.short : p.title} ${counts[p.id]} `, token: p.id === panel ? 'tabActive' : 'tab' }));
  const length = (segs: Segment[]) => segs.reduce((n, x) => n + x.text.length, 0);
  // Short tab titles when the long ones leave no room for the sort and the filter (counts grow: a busy
  // machine's zombies), so what the user typed is never the part cut off.
  const long = [...tabs(false), ...tail];
  const segs = width >= 100 && length(long) <= width ? long : [...tabs(true), ...tail];
  return <Line width={width} segments={segs} />;
}
