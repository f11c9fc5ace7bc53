// The help screen, generated from the key table (src/ui/keys.ts), so it cannot drift from the keys.
// Laid out, not cut: a description too long for its column wraps under itself; on a wide screen the
// groups go into two columns split where they balance best (a group is never split), with a gap
// between the columns; scrolled (↑↓ PgUp PgDn) only when even that does not fit.

import { Box } from 'ink';
import { helpRows } from '../keys.js';
import { wrapLine } from '../wrap.js';
import { Line, type Segment } from './Line.js';

const GAP = 2;

interface HelpLayout {
  columns: Segment[][][];
  colWidth: number;
  /** Lines of the longest column (what scrolls). */
  per: number;
}

/** Each group's lines for a column `width` wide: its heading, then each key with its description wrapped. */
function groupLines(width: number): Segment[][][] {
  const rows = helpRows();
  const groups: Segment[][][] = [];
  for (const [i, r] of rows.entries()) {
    if (rows[i - 1]?.group !== r.group) groups.push([[{ text: ` ${r.group}`, token: 'heading' }]]);
    const g = groups[groups.length - 1]!;
    // Each group's keys aligned among themselves: one long label does not narrow every description.
    const labelWidth = Math.max(...rows.filter((x) => x.group === r.group).map((x) => x.label.length)) + 2;
    const descWidth = Math.max(12, width - 2 - labelWidth);
    wrapLine(r.description, descWidth, '').forEach((d, i) =>
      g.push([{ text: `  ${(i === 0 ? r.label : '').padEnd(labelWidth)}`, token: 'key' }, { text: d.trim() }]),
    );
  }
  return groups;
}

export function helpLayout(width: number): HelpLayout {
  // Inside the border; each line brings its own left margin.
  const inner = width - 2;
  if (width < 100) {
    const lines = groupLines(inner).flat();
    return { columns: [lines], colWidth: inner, per: lines.length };
  }
  // (a column of margin at the right border, as the lines have at the left)
  const colWidth = Math.floor((inner - GAP - 1) / 2);
  const groups = groupLines(colWidth);
  // The split (between groups) that makes the longer column shortest.
  let best = { at: 1, per: Infinity };
  for (let at = 1; at < groups.length; at++) {
    const per = Math.max(groups.slice(0, at).flat().length, groups.slice(at).flat().length);
    if (per < best.per) best = { at, per };
  }
  return { columns: [groups.slice(0, best.at).flat(), groups.slice(best.at).flat()], colWidth, per: best.per };
}

/** How many lines the help has (for scrolling). */
export function helpLineCount(width: number): number {
  return helpLayout(width).per;
}

export function HelpOverlay({ width, height, scroll }: { width: number; height: number; scroll: number }) {
  const { columns, colWidth, per } = helpLayout(width);
  const room = height - 3;
  const top = Math.max(0, Math.min(scroll, per - room));
  return (
    <Box flexDirection="column" borderStyle="round" height={height} width={width}>
      <Line
        width={width - 2}
        segments={[
          { text: ' orch-top keys', token: 'heading' },
          {
            text:
              per > room
                ? ` — ↑↓ scroll (${top + 1}-${Math.min(per, top + room)} of ${per}) · any other key closes`
                : ' — destructive keys show the plan and wait for y · any key closes this',
            token: 'muted',
          },
        ]}
      />
      <Box flexDirection="row" gap={GAP}>
        {columns.map((lines, c) => (
          <Box key={c} flexDirection="column" width={colWidth}>
            {lines.slice(top, top + room).map((segments, i) => (
              <Line key={i} width={colWidth} segments={segments} />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
