// The confirm dialog of a destructive key: the plan exactly as --dry-run prints it (what will be
// signalled, with pids, start-time identities and reasons), scrollable; y runs it, n or Esc cancels.
// Nothing is signalled before y.

import { Box, Text } from 'ink';
import type { Plan } from '../../model/plan.js';
import { intentLabel, planTargets } from '../../model/plan.js';
import { plural } from '../../render/format.js';
import { renderPlanText } from '../../render/plan.js';
import { makePaint } from '../../render/theme.js';
import { useTheme } from '../theme.js';
import { wrapLine } from '../wrap.js';
import { Line } from './Line.js';

/** The plan's lines as the dialog shows them (also how far it can scroll): wrapped, never cut, so
 *  a step's reason and its warnings ("… ends with it") are always read whole. */
export function planLines(plan: Plan, width: number, color: boolean): string[] {
  return renderPlanText(plan, { paint: makePaint(color), width: width - 4 })
    .replace(/\n$/, '')
    .split('\n')
    .flatMap((l) => wrapLine(l, width - 4, '        '));
}

/** `lines`: the plan as planLines() renders it (the caller needs them too, for how far to scroll). */
export function ConfirmDialog({ plan, lines, scroll, width, height }: { plan: Plan; lines: string[]; scroll: number; width: number; height: number }) {
  const theme = useTheme();
  const room = Math.max(1, height - 5);
  const top = Math.min(scroll, Math.max(0, lines.length - room));
  const shown = lines.slice(top, top + room);
  const targets = planTargets(plan).length;
  const sessions = plan.steps.filter((s) => s.kind === 'session').length;
  const what = [sessions ? plural(sessions, 'session') : '', targets ? plural(targets, 'process', 'processes') : ''].filter(Boolean).join(' and ') || 'nothing';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.color ? 'yellow' : undefined} height={height} width={width} paddingX={1}>
      <Line width={width - 4} segments={[{ text: `Confirm: ${intentLabel(plan.intent)}`, token: 'heading' }]} />
      <Box flexDirection="column" height={room}>
        {shown.map((l, i) => (
          <Text key={i} wrap="truncate">
            {l || ' '}
          </Text>
        ))}
      </Box>
      <Line
        width={width - 4}
        segments={[{ text: lines.length > room ? `lines ${top + 1}-${top + shown.length} of ${lines.length} (↑↓ PgUp PgDn scroll)` : ' ', token: 'muted' }]}
      />
      <Line
        width={width - 4}
        segments={[
          { text: 'y', token: 'key' },
          { text: ` run it (${what})   ` },
          { text: 'n', token: 'key' },
          { text: ' / ' },
          { text: 'Esc', token: 'key' },
          { text: ' cancel   ' },
          { text: 'nothing is signalled before y', token: 'warn' },
        ]}
      />
    </Box>
  );
}

export function QuitRunningDialog({ label, width, height }: { label: string; width: number; height: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.color ? 'yellow' : undefined} height={height} width={width} paddingX={1}>
      <Line width={width - 4} segments={[{ text: `"${label}" is still running`, token: 'heading' }]} />
      <Line
        width={width - 4}
        segments={[{ text: 'Quitting cancels it: nothing more is signalled, what was already sent stands, and the audit log records where it stopped.' }]}
      />
      <Box flexGrow={1} />
      <Line
        width={width - 4}
        segments={[
          { text: 'y', token: 'key' },
          { text: ' cancel it and quit   ' },
          { text: 'n', token: 'key' },
          { text: ' / ' },
          { text: 'Esc', token: 'key' },
          { text: ' keep it running' },
        ]}
      />
    </Box>
  );
}
