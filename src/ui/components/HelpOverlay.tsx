// The help screen, generated from the key table (src/ui/keys.ts), so it cannot drift from the keys.

import { Box } from 'ink';
import { helpRows } from '../keys.js';
import { Line } from './Line.js';

/** How many lines the help has (for scrolling). */
export function helpLineCount(width: number): number {
  const n = helpRows().length + new Set(helpRows().map((r) => r.group)).size;
  return width >= 100 ? Math.ceil(n / 2) : n;
}

export function HelpOverlay({ width, height, scroll }: { width: number; height: number; scroll: number }) {
  const rows = helpRows();
  const lines: { group?: string; label?: string; description?: string }[] = [];
  let group = '';
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      lines.push({ group });
    }
    lines.push({ label: r.label, description: r.description });
  }
  const labelWidth = Math.max(...rows.map((r) => r.label.length)) + 2;
  // Two columns on a wide screen; scrolled (↑↓ PgUp PgDn) when it does not fit.
  const room = height - 3;
  const cols = width >= 100 ? 2 : 1;
  const per = Math.ceil(lines.length / cols);
  const top = Math.max(0, Math.min(scroll, per - room));
  const colWidth = Math.floor((width - 4) / cols);
  const render = (l: (typeof lines)[number], i: number) =>
    l.group ? (
      <Line key={i} width={colWidth} segments={[{ text: l.group, token: 'heading' }]} />
    ) : (
      <Line key={i} width={colWidth} segments={[{ text: `  ${l.label!.padEnd(labelWidth)}`, token: 'key' }, { text: l.description! }]} />
    );
  return (
    <Box flexDirection="column" borderStyle="round" height={height} width={width} paddingX={1}>
      <Line
        width={width - 4}
        segments={[
          { text: 'orch-top keys', token: 'heading' },
          {
            text:
              per > room
                ? ` — ↑↓ scroll (${top + 1}-${Math.min(per, top + room)} of ${per}) · any other key closes`
                : ' — destructive keys show the plan and wait for y · any key closes this',
            token: 'muted',
          },
        ]}
      />
      <Box flexDirection="row">
        {Array.from({ length: cols }, (_, c) => (
          <Box key={c} flexDirection="column" width={colWidth}>
            {lines
              .slice(c * per, (c + 1) * per)
              .slice(top, top + room)
              .map((l, i) => render(l, i))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
