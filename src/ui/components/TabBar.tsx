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
  const segs: Segment[] = [];
  PANELS.forEach((p, i) => {
    segs.push({ text: ` ${i + 1} ${width < 100 ? p.short : p.title} ${counts[p.id]} `, token: p.id === panel ? 'tabActive' : 'tab' });
  });
  const spec = PANEL_SPECS[panel];
  const sort = spec.sorts[params.sort % spec.sorts.length]!;
  segs.push({ text: `  sort ${sort.label}${params.reverse ? ' ↑' : ''}`, token: 'muted' });
  if (panel === 'processes' && scope) segs.push({ text: ` · session ${scope} only (a: all)`, token: 'warn' });
  if (params.filter && !editing) segs.push({ text: ` · filter "${params.filter}" (Esc clears)`, token: 'warn' });
  return <Line width={width} segments={segs} />;
}
