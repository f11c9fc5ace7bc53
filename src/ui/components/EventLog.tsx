// The last events at the bottom of the screen: every act and its outcome, poll failures, findings
// appearing and going. The whole log is panel 5.

import { Box } from 'ink';
import { memo } from 'react';
import { formatClock } from '../../render/format.js';
import type { LogEvent } from '../../store/store.js';
import { Line } from './Line.js';

/** Memoised: a tick that logs nothing does not redraw it. A line too long ends in "…" (all of it is in 5). */
export const EventLog = memo(function EventLog({ events, height, width }: { events: LogEvent[]; height: number; width: number }) {
  const shown = events.slice(-(height - 1));
  const title = `─ events (${events.length}, all in 5) `;
  return (
    <Box flexDirection="column" height={height}>
      <Line
        width={width}
        segments={[
          { text: title, token: 'muted' },
          { text: '─'.repeat(Math.max(0, width - title.length)), token: 'muted' },
        ]}
      />
      {shown.map((e) => (
        <Line
          key={e.seq}
          width={width}
          segments={[
            { text: `${formatClock(e.at)} `, token: 'muted' },
            { text: e.text, token: e.level === 'error' ? 'error' : e.level === 'warn' ? 'warn' : null },
          ]}
        />
      ))}
    </Box>
  );
});
