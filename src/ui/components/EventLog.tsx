// The last events at the bottom of the screen: every act and its outcome, poll failures, findings
// appearing and going. The whole log is panel 5.

import { Box } from 'ink';
import type { LogEvent } from '../../store/store.js';
import { formatClock } from '../../render/format.js';
import { Line } from './Line.js';

export function EventLog({ events, height, width }: { events: LogEvent[]; height: number; width: number }) {
  const shown = events.slice(-(height - 1));
  return (
    <Box flexDirection="column" height={height}>
      <Line
        width={width}
        segments={[
          { text: `─ events (${events.length}, all in 5) `, token: 'muted' },
          { text: '─'.repeat(Math.max(0, width - 24)), token: 'muted' },
        ]}
      />
      {shown.map((e, i) => (
        <Line
          key={i}
          width={width}
          segments={[
            { text: `${formatClock(e.at)} `, token: 'muted' },
            { text: e.text, token: e.level === 'error' ? 'error' : e.level === 'warn' ? 'warn' : null },
          ]}
        />
      ))}
    </Box>
  );
}
