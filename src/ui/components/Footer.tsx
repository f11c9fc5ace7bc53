// The bottom line: the filter being typed, a message about the last key, or the main keys.

import { Command, keyLabel } from '../keys.js';
import type { Flash } from '../view-store.js';
import { Line, type Segment } from './Line.js';

/** The keys the footer names, with a rank: on a narrow screen the highest ranks go first. */
const HINTS: [Command, string, number][] = [
  [Command.Help, 'help', 0],
  [Command.NextPanel, 'panel', 3],
  [Command.Expand, 'expand', 4],
  [Command.Filter, 'filter', 2],
  [Command.Sort, 'sort', 4],
  [Command.KillSession, 'kill', 1],
  [Command.KillOrphans, 'kill orphans', 1],
  [Command.ReapZombies, 'zombies', 1],
  [Command.Shutdown, 'shutdown', 1],
  [Command.Pause, 'pause', 3],
  [Command.Quit, 'quit', 0],
];

/** The bottom line, by precedence: the filter being typed, a message about the last key, where the
 *  selection went (its row is gone or filtered out), the main keys. */
export function Footer({
  editing,
  filter,
  flash,
  notice,
  width,
}: {
  editing: boolean;
  filter: string;
  flash: Flash | null;
  notice: string | null;
  width: number;
}) {
  if (editing)
    return (
      <Line
        width={width}
        segments={[
          { text: '/', token: 'key' },
          { text: ` ${filter}` },
          { text: '█', token: 'accent' },
          { text: '   Enter keeps · Esc clears', token: 'muted' },
        ]}
      />
    );
  if (flash) return <Line width={width} segments={[{ text: flash.text, token: flash.tone }]} />;
  if (notice) return <Line width={width} segments={[{ text: notice, token: 'warn' }]} />;
  let hints = HINTS;
  const length = (h: typeof HINTS) => h.reduce((n, [c, what]) => n + keyLabel(c).length + what.length + 3, 0);
  for (let rank = 4; rank > 0 && length(hints) > width; rank--) hints = hints.filter(([, , r]) => r < rank);
  const segs: Segment[] = [];
  for (const [c, what] of hints) segs.push({ text: keyLabel(c), token: 'key' }, { text: ` ${what}  `, token: 'muted' });
  return <Line width={width} segments={segs} />;
}
