// The strip above the Sessions and Descriptors tables: the last hour and day from a --serve's
// history, as the store last read it (history-strip.ts builds the lines). Draws only; memoised, so a
// frame that changes nothing in it (a key, a log line) does not rebuild its sparklines.

import { Box } from 'ink';
import { memo } from 'react';
import type { HistoryState } from '../../store/store.js';
import { descriptorsStrip, sessionsStrip } from '../history-strip.js';
import { Line } from './Line.js';

export interface HistoryStripProps {
  history: HistoryState;
  panel: 'sessions' | 'descriptors';
  /** The Descriptors panel's selected row (its id, `pid:startTime`, and its label). */
  selectedId: string | null;
  selectedLabel: string | null;
  width: number;
  height: number;
}

function HistoryStripView({ history, panel, selectedId, selectedLabel, width, height }: HistoryStripProps) {
  const selected = selectedId !== null ? { id: selectedId, label: selectedLabel ?? selectedId } : null;
  const lines = panel === 'sessions' ? sessionsStrip(history, width, height) : descriptorsStrip(history, selected, width, height);
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(0, height).map((segments, i) => (
        <Line key={i} width={width} segments={segments} />
      ))}
    </Box>
  );
}

export const HistoryStrip = memo(HistoryStripView);
