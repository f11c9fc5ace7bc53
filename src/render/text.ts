// The snapshot as text tables, for --snapshot and the reports of --reap/--shutdown. Pure: snapshot in, lines out.

import { findingSpec, shownKinds } from '../model/findings.js';
import { severalServers } from '../model/servers.js';
import type { FdView, LeakedView, ServerView, SessionView, Snapshot, ZombieView, GhostView } from '../model/types.js';
import { formatAge, formatBytes, formatCount, formatPct, plural, sparkline } from './format.js';
import { inertDeep } from './inert.js';
import { renderTable, type Column } from './table.js';
import type { Paint } from './theme.js';

export interface TextOptions {
  paint: Paint;
  width?: number;
  /** "now" for ages, epoch ms (defaults to the snapshot's time, so output is reproducible). */
  now?: number;
}

/** One line of counts, a kind of finding each (model/findings.ts); any finding is painted as an error. */
export function summaryLine(s: Snapshot, paint: Paint): string {
  const sum = s.summary;
  const parts = shownKinds(sum).map((k) => {
    const { label } = findingSpec(k);
    const t = plural(sum[k], label.one, label.many);
    return sum[k] > 0 ? paint('error', t) : paint('ok', t);
  });
  return [plural(sum.sessions, 'agent session'), ...parts].join(', ');
}

/** Where a look went, for when it found nothing: the tmux server, and each place workspaces come from. */
export interface LookedAt {
  /** --workspace given (then nothing else is looked at). */
  flags: string[];
  /** Each default place, as a path or a variable, and what it held (when the snapshot says). */
  /** `held`: what it held when the caller knows ("not set"); else found (with no agents) or not there. */
  places: { what: string; path: string | null; held?: string }[];
  prefixes: string[];
  orchestratorMatch: string;
}

/** True when a look found nothing to watch: no agent session, no orchestrator, no workspace with agents. */
export function foundNothing(s: Snapshot): boolean {
  return s.sessions.length === 0 && s.ghosts.length === 0 && s.orchestrators.length === 0 && !s.workspaces.some((w) => w.agents > 0);
}

/** What was looked at and how to point orch-top at an orchestrator, for a look that found nothing. */
export function nothingFoundLines(s: Snapshot, looked: LookedAt, paint: Paint): string[] {
  const server = s.tmux
    .map((t) =>
      !t.available
        ? `tmux unavailable (${t.error ?? 'not found'})`
        : t.stale
          ? `tmux ${t.socket}: stale socket, no server answers`
          : !t.running
            ? `tmux ${t.socket}: no server running`
            : `tmux ${t.socket}: ${plural(t.otherSessions, 'session')}, none an agent's`,
    )
    .join('; ');
  const found = new Set(s.workspaces.map((w) => w.path));
  const ws = looked.flags.length
    ? [`  workspaces given with --workspace: ${looked.flags.join(', ')}`]
    : [
        '  workspaces, none given with --workspace, so the default places:',
        ...looked.places.map(
          (p) => `    ${p.what}${p.path ? ` ${p.path}` : ''}: ${p.held ?? (p.path && found.has(p.path) ? 'found, no agents' : 'not there')}`,
        ),
      ];
  return [
    paint('heading', 'Nothing to watch was found. Looked at:'),
    `  ${server} (sessions named ${looked.prefixes.map((p) => `${p}*`).join(', ')} or listed in a registry)`,
    ...ws,
    `  the orchestrator: command lines matching /${looked.orchestratorMatch}/: none running`,
    'Point orch-top at an orchestrator with:',
    '  --workspace DIR       its workspace (the directory holding registry/, usually <project>/.agent-workspace)',
    '  -L NAME / -S PATH     its tmux server, when it is not the default one',
    "  --prefix PREFIX       its agent sessions' name prefix, when not claude-agent-",
    '  --orchestrator-pid PID, --pidfile PATH or --orchestrator-match RE   its process',
    paint('dim', 'orch-top --demo shows what it looks like with a misbehaving orchestrator; orch-top --help lists every flag.'),
  ];
}

/** One server of the header: its label, pid and sessions, or why it has none. */
function serverLine(s: Snapshot, t: ServerView, paint: Paint): string {
  if (!t.available) return paint('error', `tmux unavailable: ${t.error ?? 'not found'}`);
  if (t.error) return paint('error', `tmux ${t.socket}: ${t.error}`);
  if (t.stale) return `tmux ${t.socket}: ${paint('dim', 'stale socket, no server answers')}`;
  if (!t.running) return `tmux ${t.socket}: ${paint('dim', 'no server running')}`;
  const agents = s.sessions.filter((x) => x.server === t.socket).length;
  return `tmux ${t.socket} (server pid ${t.serverPid}; ${plural(agents, 'agent session')}, ${t.otherSessions} other)`;
}

function headerLines(s: Snapshot, paint: Paint, now: number): string[] {
  const tmux = s.tmux.map((t) => serverLine(s, t, paint));
  const orchLine = (o: Snapshot['orchestrators'][number]) =>
    `orchestrator pid ${o.pid} ${paint('ok', 'up')} ${formatAge(now - o.startedAt)}, cpu ${formatPct(o.cpu)}%, rss ${formatBytes(o.rss)}, fds ${formatCount(o.fds)}` +
    (o.project ? `, project ${o.project}` : o.workspace ? `, workspace ${o.workspace}` : '');
  const orchs = s.orchestrators.length
    ? s.orchestrators.map(orchLine)
    : [`orchestrator ${paint('warn', 'not running')}${s.orchestratorError ? ` (${s.orchestratorError})` : ''}`];
  const ws = s.workspaces.length
    ? s.workspaces.map((w) => `${w.project ?? w.path}${w.error ? ` ${paint('warn', `(${w.error})`)}` : ` (${plural(w.agents, 'agent')}, ${w.how})`}`).join(', ')
    : paint('dim', 'none found');
  return [`${paint('heading', 'orch-top')} ${s.takenAt}`, ...tmux.map((l) => `  ${l}`), ...orchs.map((l) => `  ${l}`), `  workspaces: ${ws}`];
}

function sessionTable(rows: SessionView[], o: Required<TextOptions>, several: boolean): string[] {
  const cols: Column<SessionView>[] = [
    { header: 'ID', get: (r) => r.id, priority: 3 },
    // With several servers watched, which one each session is on (an id means nothing without it).
    ...(several ? [{ header: 'SERVER', get: (r: SessionView) => r.server, max: 28, priority: 1 }] : []),
    { header: 'SESSION', get: (r) => r.name, priority: 0 },
    { header: 'STATUS', get: (r) => r.status, tone: (r) => (r.status === 'orphan' ? 'error' : 'ok'), priority: 0 },
    { header: 'PROJECT', get: (r) => r.project ?? '-', max: 24, priority: 3 },
    { header: 'AGENT', get: (r) => (r.registryStatus ? `${r.registryStatus} (${r.registrySource})` : '-'), priority: 4 },
    { header: 'AGE', get: (r) => formatAge(o.now - r.created), align: 'right', priority: 5 },
    { header: 'PANES', get: (r) => String(r.panes.length), align: 'right', priority: 6 },
    { header: 'PROCS', get: (r) => String(r.processes.length), align: 'right', priority: 2 },
    { header: 'CPU%', get: (r) => formatPct(r.cpu), align: 'right', priority: 4 },
    { header: 'RSS', get: (r) => formatBytes(r.rss), align: 'right', priority: 4 },
    { header: 'FDS', get: (r) => formatCount(r.fds), align: 'right', priority: 5 },
    { header: 'REASON', get: (r) => r.reason ?? '', tone: () => 'warn', flex: true, min: 26, priority: 1 },
  ];
  return renderTable(rows, cols, o.paint, o.width);
}

function zombieTable(rows: ZombieView[], o: Required<TextOptions>): string[] {
  const cols: Column<ZombieView>[] = [
    { header: 'PID', get: (r) => String(r.pid), align: 'right', priority: 0 },
    { header: 'PARENT', get: (r) => String(r.ppid), align: 'right', priority: 0 },
    { header: 'SCOPE', get: (r) => (r.parentInScope ? 'ours' : 'other'), tone: (r) => (r.parentInScope ? 'error' : 'dim'), priority: 0 },
    { header: 'AGE', get: (r) => formatAge(o.now - r.startedAt), align: 'right', priority: 3 },
    { header: 'COMMAND', get: (r) => r.command, priority: 2 },
    { header: 'PARENT COMMAND', get: (r) => r.parentCommand ?? '(gone)', flex: true, max: 100, priority: 1 },
  ];
  return renderTable(rows, cols, o.paint, o.width);
}

function leakedTable(rows: LeakedView[], o: Required<TextOptions>): string[] {
  const cols: Column<LeakedView>[] = [
    { header: 'PID', get: (r) => String(r.pid), align: 'right', priority: 0 },
    { header: 'PPID', get: (r) => String(r.ppid), align: 'right', priority: 3 },
    { header: 'AGENT', get: (r) => r.agentId ?? r.sessionName ?? '?', priority: 2 },
    { header: 'AGE', get: (r) => formatAge(o.now - r.startedAt), align: 'right', priority: 4 },
    { header: 'RSS', get: (r) => formatBytes(r.rss), align: 'right', priority: 4 },
    { header: 'COMMAND', get: (r) => r.command, max: 60, priority: 3 },
    { header: 'WHY', get: (r) => r.reason, tone: () => 'warn', flex: true, min: 40, priority: 1 },
  ];
  return renderTable(rows, cols, o.paint, o.width);
}

function ghostTable(rows: GhostView[], o: Required<TextOptions>): string[] {
  const cols: Column<GhostView>[] = [
    { header: 'AGENT', get: (r) => r.agentId, priority: 0 },
    { header: 'PROJECT', get: (r) => r.project ?? '-', max: 24, priority: 2 },
    { header: 'STATUS', get: (r) => `${r.registryStatus} (${r.registrySource})`, priority: 1 },
    { header: 'SESSION (missing)', get: (r) => r.tmuxSession ?? '-', priority: 2 },
    { header: 'TASK', get: (r) => r.taskId ?? '-', priority: 3 },
    { header: 'WORKSPACE', get: (r) => r.workspace, flex: true, priority: 4 },
  ];
  return renderTable(rows, cols, o.paint, o.width);
}

function fdTable(rows: FdView[], o: Required<TextOptions>): string[] {
  const cols: Column<FdView>[] = [
    { header: 'PID', get: (r) => String(r.pid), align: 'right', priority: 0 },
    { header: 'FDS', get: (r) => formatCount(r.count), align: 'right', priority: 0 },
    { header: 'TREND', get: (r) => r.trend, tone: (r) => (r.growth ? 'error' : r.trend === 'unknown' ? 'dim' : null), priority: 0 },
    { header: '/MIN', get: (r) => (r.slopePerMin === null ? '-' : r.slopePerMin.toFixed(1)), align: 'right', priority: 3 },
    { header: 'FILE', get: (r) => formatCount(r.kinds?.file ?? null), align: 'right', priority: 5 },
    { header: 'SOCK', get: (r) => formatCount(r.kinds?.socket ?? null), align: 'right', priority: 5 },
    { header: 'PIPE', get: (r) => formatCount(r.kinds?.pipe ?? null), align: 'right', priority: 5 },
    { header: 'ANON', get: (r) => formatCount(r.kinds?.anon ?? null), align: 'right', priority: 6 },
    { header: 'HISTORY', get: (r) => sparkline(r.history, 16), priority: 4 },
    { header: 'COMMAND', get: (r) => r.command, flex: true, priority: 1 },
  ];
  return renderTable(rows, cols, o.paint, o.width);
}

/** The whole report. Sections with nothing in them say so in one line; every string of the snapshot is shown inert. */
export function renderSnapshotText(snap: Snapshot, opts: TextOptions): string {
  const s = inertDeep(snap);
  const o: Required<TextOptions> = { width: opts.width ?? 200, now: opts.now ?? Date.parse(s.takenAt), paint: opts.paint };
  const { paint } = o;
  const out: string[] = [...headerLines(s, paint, o.now), ''];
  const section = (title: string, n: number, lines: () => string[], empty: string) => {
    out.push(`${paint('heading', title)} (${n})`);
    out.push(...(n ? lines() : [`  ${paint('dim', empty)}`]));
    out.push('');
  };
  section('AGENT SESSIONS', s.sessions.length, () => sessionTable(s.sessions, o, severalServers(s)), 'no agent sessions');
  section('LEAKED PROCESSES', s.leaked.length, () => leakedTable(s.leaked, o), 'none');
  const ours = s.zombies.filter((z) => z.parentInScope);
  section('ZOMBIES', ours.length, () => zombieTable(ours, o), 'none in scope');
  if (s.summary.zombiesOther)
    out.splice(out.length - 1, 0, `  ${paint('dim', `${plural(s.summary.zombiesOther, 'other zombie')} elsewhere on the machine (not the orchestrator's)`)}`);
  section('GHOST AGENTS', s.ghosts.length, () => ghostTable(s.ghosts, o), 'none');
  const grow = s.fds.filter((f) => f.growth);
  section(
    'DESCRIPTOR GROWTH',
    grow.length,
    () => fdTable(grow, o),
    s.fds.some((f) => f.trend !== 'unknown') ? 'none' : 'none (one sample: use --sample for trends)',
  );
  if (s.strays.length) section('UNTRACED LEFTOVERS (not touched)', s.strays.length, () => leakedTable(s.strays, o), '');
  if (s.errors.length) {
    out.push(paint('heading', 'PROBLEMS'));
    for (const e of s.errors) out.push(`  ${paint('warn', e)}`);
    out.push('');
  }
  if (s.incomplete.length) {
    out.push(paint('heading', 'INCOMPLETE LOOK (asked for and not seen)'));
    for (const l of s.incomplete) out.push(`  ${paint('error', l)}`);
    out.push('');
  }
  out.push(`${paint('heading', 'SUMMARY')} ${summaryLine(s, paint)}`);
  return out.join('\n') + '\n';
}
