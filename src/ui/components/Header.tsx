// The top three lines: the orchestrator(s), the tmux server and the counts by severity, and the
// poller's state (interval, last tick, stale, paused) with a running action's progress.

import { Box } from 'ink';
import { findingSpec, shownKinds } from '../../model/findings.js';
import type { Snapshot } from '../../model/types.js';
import { formatAge, formatBytes, formatClock, formatCount, formatPct, plural, sparkline } from '../../render/format.js';
import { formatGrace } from '../../render/plan.js';
import type { Activity, TickInfo } from '../../store/store.js';
import { Line, type Segment } from './Line.js';

export interface HeaderProps {
  snap: Snapshot | null;
  tick: TickInfo;
  intervalMs: number;
  paused: boolean;
  activity: Activity | null;
  now: number;
  width: number;
  title: string;
}

const sep: Segment = { text: ' · ', token: 'muted' };

function orchestratorLine(snap: Snapshot | null, now: number, title: string): Segment[] {
  const head: Segment[] = [{ text: title, token: 'heading' }, { text: '  ' }];
  if (!snap) return [...head, { text: 'first look…', token: 'muted' }];
  const running = snap.orchestrators.filter((o) => o.running);
  if (running.length === 0)
    return [
      ...head,
      { text: 'orchestrator ', token: null },
      { text: 'DOWN', token: 'error' },
      { text: snap.orchestratorError ? ` (${snap.orchestratorError})` : '', token: 'muted' },
    ];
  if (running.length > 1)
    return [
      ...head,
      { text: `${running.length} orchestrators `, token: null },
      { text: 'up', token: 'ok' },
      {
        text: ': ' + running.map((o) => `pid ${o.pid}${o.project ? ` ${o.project}` : ''} ${formatAge(now - o.startedAt)} fds ${formatCount(o.fds)}`).join(', '),
      },
    ];
  const o = running[0]!;
  const hist = snap.fds.find((f) => f.pid === o.pid && f.startTime === o.startTime);
  return [
    ...head,
    { text: `orchestrator pid ${o.pid} ` },
    { text: 'up', token: 'ok' },
    { text: ` ${formatAge(now - o.startedAt)}` },
    sep,
    { text: `cpu ${formatPct(o.cpu)}%` },
    sep,
    { text: `rss ${formatBytes(o.rss)}` },
    sep,
    { text: `fds ${formatCount(o.fds)} `, token: hist?.growth ? 'error' : null },
    { text: hist ? sparkline(hist.history, 12) : '', token: hist?.growth ? 'error' : 'accent' },
    ...(o.project ? [sep, { text: o.project, token: 'muted' as const }] : []),
  ];
}

function tmuxSegments(snap: Snapshot): Segment[] {
  if (!snap.tmux.some((t) => t.available)) return [{ text: `tmux unavailable: ${snap.tmux[0]?.error ?? 'not found'}`, token: 'error' }];
  const bad = snap.tmux.find((t) => t.error);
  if (bad) return [{ text: `tmux ${bad.socket}: ${bad.error}`, token: 'error' }];
  const running = snap.tmux.filter((t) => t.running);
  const stale = snap.tmux.filter((t) => t.stale).length;
  const staleSeg: Segment[] = stale ? [{ text: ` (+${stale} stale)`, token: 'muted' }] : [];
  if (!running.length)
    return [{ text: `tmux ${snap.tmux.length === 1 ? snap.tmux[0]!.socket : 'servers'}: ` }, { text: 'no server', token: 'warn' }, ...staleSeg];
  if (running.length === 1) return [{ text: `tmux ${running[0]!.socket} pid ${running[0]!.serverPid}`, token: 'muted' }, ...staleSeg];
  return [{ text: `tmux ${running.length} servers: ${running.map((t) => t.socket).join(', ')}`, token: 'muted' }, ...staleSeg];
}

function countsLine(snap: Snapshot | null): Segment[] {
  if (!snap) return [{ text: ' ' }];
  const other = snap.tmux.reduce((n, t) => n + t.otherSessions, 0);
  const out: Segment[] = [];
  const s = snap.summary;
  out.push({ text: `${plural(s.sessions, 'agent session')}${other ? ` (+${other} other)` : ''}` });
  for (const k of shownKinds(s)) {
    const { short, severity } = findingSpec(k);
    out.push(sep, { text: plural(s[k], short.one, short.many), token: s[k] > 0 ? severity : 'ok' });
  }
  if (snap.errors.length) out.push(sep, { text: plural(snap.errors.length, 'problem'), token: 'warn' });
  return out;
}

function statusLine(p: HeaderProps): Segment[] {
  const { tick, intervalMs, paused, activity, now } = p;
  const out: Segment[] = [];
  // A running action first: it is what the person is waiting for.
  if (activity) {
    const g = activity.graceLeftMs !== null ? `, grace ${(activity.graceLeftMs / 1000).toFixed(1)}s left` : '';
    out.push(
      { text: activity.cancelling ? '■ cancelling ' : '▶ ', token: 'accent' },
      { text: `${activity.label}: phase ${activity.phase} ${activity.done}/${activity.total} settled${g} · ${activity.results} done`, token: 'accent' },
      sep,
    );
  }
  out.push({ text: `every ${formatGrace(intervalMs)}` });
  if (tick.lastAt !== null) out.push(sep, { text: `tick ${tick.count} at ${formatClock(tick.lastAt)} in ${tick.durationMs ?? '-'} ms` });
  if (paused) out.push(sep, { text: 'PAUSED', token: 'warn' });
  else if (tick.lastAt !== null && now - tick.lastAt > 2 * intervalMs + 1_000) out.push(sep, { text: `STALE ${formatAge(now - tick.lastAt)}`, token: 'error' });
  if (tick.error) out.push(sep, { text: `poll failed: ${tick.error}`, token: 'error' });
  if (p.snap) out.push(sep, ...tmuxSegments(p.snap));
  return out;
}

export function Header(p: HeaderProps) {
  return (
    <Box flexDirection="column">
      <Line width={p.width} segments={orchestratorLine(p.snap, p.now, p.title)} />
      <Line width={p.width} segments={countsLine(p.snap)} />
      <Line width={p.width} segments={statusLine(p)} />
    </Box>
  );
}
