// The bottom line: the filter being typed, a message about the last key, or the main keys.

import { Command, keyLabel } from '../keys.js';
import type { Flash } from '../view-store.js';
import { Line, type Segment } from './Line.js';

const HINTS: [Command, string][] = [
  [Command.Help, 'help'],
  [Command.NextPanel, 'panel'],
  [Command.Expand, 'expand'],
  [Command.Filter, 'filter'],
  [Command.Sort, 'sort'],
  [Command.KillSession, 'kill'],
  [Command.KillOrphans, 'kill orphans'],
  [Command.ReapZombies, 'zombies'],
  [Command.Shutdown, 'shutdown'],
  [Command.Pause, 'pause'],
  [Command.Quit, 'quit'],
];

export function Footer({ editing, filter, flash, width }: { editing: boolean; filter: string; flash: Flash | null; width: number }) {
  if (editing) return <Line width={width} segments={[{ text: '/', token: 'key' }, { text: ` ${filter}` }, { text: '█', token: 'accent' }, { text: '   Enter keeps · Esc clears', token: 'muted' }]} />;
  if (flash) return <Line width={width} segments={[{ text: flash.text, token: flash.tone }]} />;
  const segs: Segment[] = [];
  for (const [c, what] of HINTS) segs.push({ text: keyLabel(c), token: 'key' }, { text: ` ${what}  `, token: 'muted' });
  return <Line width={width} segments={segs} />;
}
