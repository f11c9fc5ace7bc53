// What each console panel shows, as data: its rows (from a snapshot), a stable id per row (so the
// selection survives refreshes), its columns with drop priorities, its sort orders, the text a `/`
// filter searches and the lines Enter expands. Pure: snapshot in, rows out; the components only draw.

import { sameSession, sessionKey, sessionRef, severalServers } from '../model/servers.js';
import type { FdView, GhostView, OverLimitView, ProcessView, SessionView, Snapshot, ZombieView } from '../model/types.js';
import { formatAge, formatBytes, formatClock, formatCount, formatPct, sparkline } from '../render/format.js';
import type { Column } from '../render/table.js';
import type { Tone } from '../render/theme.js';
import type { LogEvent } from '../store/store.js';

export type PanelId = 'sessions' | 'processes' | 'zombies' | 'descriptors' | 'log';
/** Each panel's tab title, and a shorter one for a narrow terminal. */
export const PANELS: { id: PanelId; title: string; short: string }[] = [
  { id: 'sessions', title: 'Sessions', short: 'Sessions' },
  { id: 'processes', title: 'Processes', short: 'Procs' },
  { id: 'zombies', title: 'Zombies', short: 'Zombies' },
  { id: 'descriptors', title: 'Descriptors', short: 'FDs' },
  { id: 'log', title: 'Log', short: 'Log' },
];

export interface SortOrder<T> {
  label: string;
  /** The column it sorts by (its header): marked ▲/▼ and never dropped while this order is chosen. */
  column?: string;
  /** Ascending key; ties keep the model's order. */
  key: (row: T) => number | string;
  /** The natural direction of this key (largest first for CPU, RSS…). */
  desc?: boolean;
}

/** What a panel's rows are made of: rows are built once per snapshot (the log's once per event),
 *  never because the clock moved. */
export interface RowsCtx {
  snap: Snapshot;
  events: LogEvent[];
  /** Processes panel: only this session's tree (a session id), or every agent process. */
  scope: string | null;
}

/** What cells and details are drawn with: ages need "now". */
export interface ViewCtx {
  snap: Snapshot;
  now: number;
  scope: string | null;
}

export interface PanelSpec<T> {
  id: PanelId;
  rows(ctx: RowsCtx): T[];
  rowId(row: T): string;
  /** What the row is, in words, for messages about it ("session $3 agent_x"). */
  label(row: T): string;
  /** The columns for a table `width` wide (widths may depend on it; priorities then drop). */
  columns(ctx: ViewCtx, width: number): Column<T>[];
  sorts: SortOrder<T>[];
  search(row: T): string;
  tone(row: T): Tone | null;
  detail(row: T, ctx: ViewCtx): string[];
  /** Tree panels keep parents above children while the first sort order is chosen. */
  tree?: boolean;
  /** A row as a flat (sorted) list shows it: without tree guides. */
  flat?(row: T): T;
}

const age = (now: number, t: number) => formatAge(now - t);
/** formatAge's usual width ("1m04s", "3d04h"): an age column does not widen, and squeeze its neighbours, as it
 *  grows past a minute (10h-47h is one wider; the table's sticky widths keep that one steady). */
const AGE_WIDTH = 5;

// ---- Sessions -------------------------------------------------------------------------------------

/** A row of the Sessions panel: an agent session, or a ghost (an agent the registry says is alive
 *  whose session does not exist; listed so the header's count can be read, never a target). */
export interface SessionRow {
  id: string;
  name: string;
  status: 'active' | 'orphan' | 'contested' | 'ghost';
  /** The agent manager whose session (or ghost) it is. */
  source: string;
  why: string;
  session: SessionView | null;
  ghost: GhostView | null;
  /** The limits it is over (model/limits.ts): their cells are marked "!" and toned. */
  over: OverLimitView[];
  /** The look spans several servers: the row's words name its server. */
  several?: boolean;
}

/** Which column shows each limit's figure. */
const LIMIT_COLUMN: Record<OverLimitView['limit'], string | null> = {
  maxRss: 'RSS',
  maxCpu: 'CPU%',
  maxIdle: 'CPU%',
  maxProcesses: 'PROCS',
  maxFds: 'FDS',
  maxAge: 'AGE',
  maxAgents: null,
};

const overIn = (r: SessionRow, header: string) => r.over.filter((o) => LIMIT_COLUMN[o.limit] === header);
/** A cell of a figure over a limit: its value with "!", red for a hard limit, yellow for a soft one. */
const marked = (r: SessionRow, header: string, text: string) => (overIn(r, header).length ? `${text}!` : text);
const limitTone = (r: SessionRow, header: string): Tone | null => {
  const o = overIn(r, header);
  return o.length ? (o.some((x) => x.hard) ? 'error' : 'warn') : null;
};

export const GHOST_PREFIX = 'ghost:';

function sessionRows({ snap }: RowsCtx): SessionRow[] {
  const over = new Map<string, OverLimitView[]>();
  for (const o of snap.overLimit ?? [])
    if (o.sessionId !== null) over.set(sessionKey(o.server, o.sessionId), [...(over.get(sessionKey(o.server, o.sessionId)) ?? []), o]);
  const several = severalServers(snap);
  return [
    ...snap.sessions.map((s) => {
      const mine = over.get(sessionKey(s.server, s.id)) ?? [];
      // An active agent over a limit says so where its registry status would be.
      const why = s.reason ?? (mine.length ? `over ${mine.map((o) => o.reason).join('; ')}` : (s.registryStatus ?? ''));
      return {
        several,
        id: sessionRef(s.server, s.id),
        name: s.name,
        status: s.status,
        source: s.source ?? 'orchestrator',
        why,
        session: s,
        ghost: null,
        over: mine,
      };
    }),
    ...snap.ghosts.map((g) => ({
      id: `${GHOST_PREFIX}${g.project ?? g.workspace}:${g.agentId}`,
      name: g.tmuxSession ?? `(agent ${g.agentId})`,
      status: 'ghost' as const,
      source: 'orchestrator',
      why: `registry says ${g.registryStatus}; no such tmux session`,
      session: null,
      ghost: g,
      over: [],
    })),
  ];
}

const STATUS_RANK = { orphan: 0, contested: 1, ghost: 2, active: 3 } as const;

/** A session's figure column, its cell marked when the session is over the limit shown there. */
function figure(header: string, get: (s: SessionView) => string, priority: number): Column<SessionRow> {
  return { header, get: (r) => (r.session ? marked(r, header, get(r.session)) : '-'), tone: (r) => limitTone(r, header), align: 'right', priority };
}

export const sessionsPanel: PanelSpec<SessionRow> = {
  id: 'sessions',
  rows: sessionRows,
  rowId: (r) => r.id,
  label: (r) => (r.session ? `session ${r.session.id} ${r.name}${r.several ? ` on tmux ${r.session.server}` : ''}` : `ghost agent ${r.ghost!.agentId}`),
  columns: ({ snap, now }, width) => [
    // Agent session names are long (agent_<type>-<time>-<hex>): whole on a wide screen, cut on a narrow one.
    { header: 'SESSION', get: (r) => r.name, max: width >= 140 ? 48 : width >= 110 ? 40 : 28, priority: 0 },
    {
      header: 'STATUS',
      get: (r) => r.status,
      tone: (r) => (r.status === 'orphan' ? 'error' : r.status === 'ghost' || r.status === 'contested' ? 'warn' : 'ok'),
      priority: 0,
    },
    // With several servers watched, which one each session is on (an id means nothing without it).
    ...(severalServers(snap) ? [{ header: 'SERVER', get: (r: SessionRow) => r.session?.server ?? '-', max: 24, priority: 2 }] : []),
    { header: 'SOURCE', get: (r) => r.source, max: 16, priority: 9 },
    {
      header: 'WHY',
      get: (r) => r.why,
      tone: (r) => (r.session?.status === 'active' && r.over.length ? (r.over.some((o) => o.hard) ? 'error' : 'warn') : null),
      flex: true,
      min: 24,
      priority: 1,
    },
    { header: 'AGENT', get: (r) => r.session?.agentId ?? r.ghost?.agentId ?? '-', max: 18, priority: 6 },
    { header: 'TASK', get: (r) => r.session?.taskId ?? r.ghost?.taskId ?? '-', max: 16, priority: 4 },
    { header: 'TYPE', get: (r) => r.session?.agent?.type ?? '-', max: 12, priority: 7 },
    { header: 'PROJECT', get: (r) => r.session?.project ?? r.ghost?.project ?? '-', max: 18, priority: 5 },
    {
      header: 'AGE',
      get: (r) => (r.session ? marked(r, 'AGE', age(now, r.session.created)) : '-'),
      tone: (r) => limitTone(r, 'AGE'),
      align: 'right',
      width: AGE_WIDTH,
      priority: 3,
    },
    { header: 'PANES', get: (r) => (r.session ? String(r.session.panes.length) : '-'), align: 'right', priority: 8 },
    figure('PROCS', (s) => String(s.processes.length), 2),
    figure('CPU%', (s) => formatPct(s.cpu), 2),
    figure('RSS', (s) => formatBytes(s.rss), 3),
    figure('FDS', (s) => formatCount(s.fds), 4),
  ],
  sorts: [
    { label: 'status', column: 'STATUS', key: (r) => STATUS_RANK[r.status] },
    { label: 'name', column: 'SESSION', key: (r) => r.name },
    { label: 'age', column: 'AGE', key: (r) => r.session?.created ?? Infinity },
    { label: 'cpu', column: 'CPU%', key: (r) => r.session?.cpu ?? -1, desc: true },
    { label: 'rss', column: 'RSS', key: (r) => r.session?.rss ?? -1, desc: true },
    { label: 'fds', column: 'FDS', key: (r) => r.session?.fds ?? -1, desc: true },
    { label: 'processes', column: 'PROCS', key: (r) => r.session?.processes.length ?? -1, desc: true },
  ],
  search: (r) => {
    const s = r.session;
    const g = r.ghost;
    // `source:NAME` filters by manager (the bare name matches too).
    return [
      r.id,
      r.name,
      r.status,
      `source:${r.source}`,
      r.why,
      s?.agentId,
      s?.taskId,
      s?.project,
      s?.agent?.type,
      s?.registryStatus,
      g?.agentId,
      g?.taskId,
      g?.project,
    ]
      .filter(Boolean)
      .join(' ');
  },
  tone: (r) => (r.status === 'orphan' ? 'error' : null),
  detail: (r, ctx) => (r.session ? sessionDetail(r.session, ctx) : ghostDetail(r.ghost!)),
};

function ghostDetail(g: GhostView): string[] {
  return [
    `ghost: agent ${g.agentId} · task ${g.taskId ?? '-'} · ${g.registryStatus} in ${g.registrySource} · ${g.workspace}`,
    `its session ${g.tmuxSession ?? '(none recorded)'} does not exist on any watched tmux server: the registry is stale; there is nothing to kill`,
  ];
}

function sessionDetail(s: SessionView, { snap, now }: ViewCtx): string[] {
  const lines: string[] = [];
  const owner = s.ownedBy !== null ? `orchestrator pid ${s.ownedBy}` : 'no running orchestrator';
  lines.push(
    `${s.id} ${s.name}${s.server === 'default' ? '' : ` · tmux ${s.server}`} · ${s.status}${s.reason ? `: ${s.reason}` : ''} · owned by ${owner} · matched by ${s.matchedBy}`,
  );
  if (s.agent) {
    lines.push(
      `agent ${s.agent.agentId}${s.agent.type ? ` (${s.agent.type})` : ''} · task ${s.agent.taskId ?? '-'} · ${s.agent.registryStatus} in ${s.agent.registrySource} · ${s.agent.workspace}`,
    );
    if (s.agent.taskDescription) lines.push(`task: ${s.agent.taskDescription.replace(/\s+/g, ' ')}`);
  }
  for (const o of (snap.overLimit ?? []).filter((x) => x.sessionId === s.id))
    lines.push(`over limit (${o.hard ? 'hard: --reap --enforce-limits ends it' : 'soft: reported only'}): ${o.reason}`);
  for (const p of s.panes) lines.push(`pane ${p.id} pid ${p.pid} ${p.dead ? 'dead' : 'live'} · ${p.command}`);
  const procs = new Map(snap.processes.map((p) => [p.pid, p]));
  for (const pid of s.processes) {
    const p = procs.get(pid);
    if (p)
      lines.push(
        `  pid ${p.pid} ${p.state} ${p.role} · cpu ${formatPct(p.cpu)}% rss ${formatBytes(p.rss)} fds ${formatCount(p.fds)} · up ${age(now, p.startedAt)} · ${p.command}`,
      );
  }
  for (const l of snap.leaked.filter((x) => sameSession(x, s))) lines.push(`  leaked pid ${l.pid} ${l.command} (${l.reason})`);
  return lines;
}

// ---- Processes (a tree) ---------------------------------------------------------------------------

export interface ProcRow {
  p: ProcessView;
  depth: number;
  /** "├─ " / "└─ " guides for the tree view. */
  guide: string;
  /** The session it belongs to (a leaked process: the one it was traced to), and its name. */
  sessionId: string | null;
  session: string;
}

function processRows({ snap, scope }: RowsCtx): ProcRow[] {
  const names = new Map(snap.sessions.map((s) => [sessionRef(s.server, s.id), s.name]));
  const refOf = (x: { sessionId: string | null; server?: string | null }) => (x.sessionId ? sessionRef(x.server, x.sessionId) : null);
  const leakedSession = new Map(snap.leaked.map((l) => [l.pid, refOf(l)]));
  // A leaked process's session is usually gone: name it as the trace did.
  for (const l of snap.leaked) {
    const ref = refOf(l);
    if (ref && !names.has(ref) && l.sessionName) names.set(ref, `${l.sessionName} (gone)`);
  }
  const sessionOf = (p: ProcessView) => refOf(p) ?? leakedSession.get(p.pid) ?? null;
  const procs = snap.processes.filter((p) => scope === null || sessionOf(p) === scope);
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const kids = new Map<number, ProcessView[]>();
  const roots: ProcessView[] = [];
  for (const p of procs) {
    if (p.ppid !== p.pid && byPid.has(p.ppid)) {
      const list = kids.get(p.ppid) ?? [];
      list.push(p);
      kids.set(p.ppid, list);
    } else roots.push(p);
  }
  // Roots: the orchestrator first, then by session, then leaked; children by pid.
  const rank = (p: ProcessView) => (p.role === 'orchestrator' ? 0 : p.role === 'leaked' ? 2 : 1);
  roots.sort((a, b) => rank(a) - rank(b) || (names.get(sessionOf(a) ?? '') ?? '').localeCompare(names.get(sessionOf(b) ?? '') ?? '') || a.pid - b.pid);
  const out: ProcRow[] = [];
  const walk = (p: ProcessView, depth: number, prefix: string, last: boolean) => {
    const session = sessionOf(p);
    out.push({
      p,
      depth,
      guide: depth === 0 ? '' : `${prefix}${last ? '└─ ' : '├─ '}`,
      sessionId: session,
      session: session ? (names.get(session) ?? session) : p.role === 'orchestrator' || p.role === 'orchestrator-child' ? '(orchestrator)' : '-',
    });
    const children = (kids.get(p.pid) ?? []).sort((a, b) => a.pid - b.pid);
    children.forEach((c, i) => walk(c, depth + 1, depth === 0 ? '' : `${prefix}${last ? '   ' : '│  '}`, i === children.length - 1));
  };
  for (const r of roots) walk(r, 0, '', true);
  return out;
}

export const processesPanel: PanelSpec<ProcRow> = {
  id: 'processes',
  tree: true,
  flat: (r) => (r.guide ? { ...r, guide: '' } : r),
  rows: processRows,
  rowId: (r) => `${r.p.pid}:${r.p.startTime}`,
  label: (r) => `pid ${r.p.pid} ${r.p.command.split(' ')[0]}`,
  columns: ({ now }) => [
    { header: 'PID', get: (r) => String(r.p.pid), align: 'right', priority: 0 },
    { header: 'S', get: (r) => r.p.state, tone: (r) => (r.p.state === 'Z' ? 'error' : r.p.state === 'D' ? 'warn' : null), priority: 3 },
    { header: 'ROLE', get: (r) => r.p.role, tone: (r) => (r.p.role === 'leaked' ? 'error' : r.p.role === 'orchestrator' ? 'accent' : null), priority: 1 },
    { header: 'SESSION', get: (r) => r.session, max: 22, priority: 4 },
    { header: 'CPU%', get: (r) => formatPct(r.p.cpu), align: 'right', priority: 1 },
    { header: 'RSS', get: (r) => formatBytes(r.p.rss), align: 'right', priority: 2 },
    { header: 'FDS', get: (r) => formatCount(r.p.fds), align: 'right', priority: 4 },
    { header: 'THR', get: (r) => String(r.p.threads), align: 'right', priority: 6 },
    { header: 'AGE', get: (r) => age(now, r.p.startedAt), align: 'right', width: AGE_WIDTH, priority: 5 },
    { header: 'COMMAND', get: (r) => r.guide + r.p.command, flex: true, min: 16, priority: 0 },
  ],
  sorts: [
    { label: 'tree', key: () => 0 },
    { label: 'cpu', column: 'CPU%', key: (r) => r.p.cpu, desc: true },
    { label: 'rss', column: 'RSS', key: (r) => r.p.rss, desc: true },
    { label: 'fds', column: 'FDS', key: (r) => r.p.fds ?? -1, desc: true },
    { label: 'pid', column: 'PID', key: (r) => r.p.pid },
    { label: 'age', column: 'AGE', key: (r) => r.p.startedAt },
  ],
  search: (r) => `${r.p.pid} ${r.p.role} ${r.session} ${r.p.command}`,
  tone: (r) => (r.p.role === 'leaked' || r.p.state === 'Z' ? 'error' : null),
  detail: (r, { snap, now }) => {
    const p = r.p;
    const fd = snap.fds.find((f) => f.pid === p.pid && f.startTime === p.startTime);
    const lines = [
      `pid ${p.pid} (started ${new Date(p.startedAt).toISOString()}, up ${age(now, p.startedAt)}) · ppid ${p.ppid} · pgid ${p.pgid} · sid ${p.sid} · state ${p.state} · ${p.threads} threads`,
    ];
    lines.push(`command: ${p.command}`);
    if (fd?.kinds) lines.push(`descriptors: ${fd.count} (${kindsText(fd)})${fd.slopePerMin !== null ? ` · ${fd.slopePerMin.toFixed(1)}/min` : ''}`);
    const l = snap.leaked.find((x) => x.pid === p.pid && x.startTime === p.startTime);
    if (l) lines.push(`leaked: ${l.reason}`);
    return lines;
  },
};

// ---- Zombies --------------------------------------------------------------------------------------

const scopeText = (z: ZombieView) => (z.parentIsTmuxServer ? 'tmux (nudge)' : z.parentInScope ? 'in scope' : 'elsewhere');

const zombiesPanel: PanelSpec<ZombieView> = {
  id: 'zombies',
  rows: ({ snap }) => snap.zombies,
  rowId: (z) => `${z.pid}:${z.startTime}`,
  label: (z) => `zombie ${z.pid} ${z.command}`,
  columns: ({ snap, now }) => {
    const names = new Map(snap.sessions.map((s) => [sessionRef(s.server, s.id), s.name]));
    const nameOf = (z: ZombieView) => (z.sessionId ? (names.get(sessionRef(z.server, z.sessionId)) ?? z.sessionId) : '-');
    return [
      { header: 'PID', get: (z) => String(z.pid), align: 'right', priority: 0 },
      { header: 'COMMAND', get: (z) => z.command, max: 20, priority: 0 },
      { header: 'PARENT', get: (z) => String(z.ppid), align: 'right', priority: 0 },
      { header: 'SCOPE', get: scopeText, tone: (z) => (z.parentInScope ? 'error' : 'dim'), priority: 1 },
      { header: 'SESSION', get: nameOf, max: 22, priority: 3 },
      { header: 'AGE', get: (z) => age(now, z.startedAt), align: 'right', width: AGE_WIDTH, priority: 2 },
      { header: 'PARENT COMMAND', get: (z) => z.parentCommand ?? '?', flex: true, min: 12, priority: 1 },
    ];
  },
  sorts: [
    { label: 'scope', column: 'SCOPE', key: (z) => (z.parentInScope ? 0 : 1) },
    { label: 'age', column: 'AGE', key: (z) => z.startedAt },
    { label: 'pid', column: 'PID', key: (z) => z.pid },
    { label: 'parent', column: 'PARENT', key: (z) => z.ppid },
  ],
  search: (z) => `${z.pid} ${z.command} ${z.ppid} ${z.parentCommand ?? ''} ${scopeText(z)}`,
  tone: (z) => (z.parentInScope ? 'error' : 'dim'),
  detail: (z, { now }) => [
    `zombie ${z.pid} ${z.command}, exited, not reaped for up to ${age(now, z.startedAt)} (its age)`,
    `parent ${z.ppid} ${z.parentCommand ?? '?'} · ${
      z.parentIsTmuxServer
        ? 'the tmux server: z sends it SIGCHLD so it reaps (it is never terminated)'
        : z.parentInScope
          ? "in the orchestrator's scope: z sends SIGCHLD, then ends the parent so init reaps"
          : "outside the orchestrator's scope: listed, never touched"
    }`,
  ],
};

// ---- Descriptors ----------------------------------------------------------------------------------

function kindsText(f: FdView): string {
  if (!f.kinds) return 'n/a';
  const k = f.kinds;
  return [`file ${k.file}`, `sock ${k.socket}`, `pipe ${k.pipe}`, `anon ${k.anon}`, ...(k.other ? [`other ${k.other}`] : [])].join(' ');
}

const descriptorsPanel: PanelSpec<FdView> = {
  id: 'descriptors',
  rows: ({ snap }) => snap.fds,
  rowId: (f) => `${f.pid}:${f.startTime}`,
  label: (f) => `pid ${f.pid} ${f.command.split(' ')[0]}`,
  columns: () => [
    { header: 'PID', get: (f) => String(f.pid), align: 'right', priority: 0 },
    { header: 'FDS', get: (f) => formatCount(f.count), align: 'right', tone: (f) => (f.growth ? 'error' : null), priority: 0 },
    { header: 'TREND', get: (f) => (f.growth ? 'GROWING' : f.trend), tone: (f) => (f.growth ? 'error' : f.trend === 'rising' ? 'warn' : 'dim'), priority: 1 },
    { header: '/MIN', get: (f) => (f.slopePerMin === null ? '-' : f.slopePerMin.toFixed(1)), align: 'right', priority: 2 },
    { header: 'HISTORY', get: (f) => sparkline(f.history, 16), priority: 2 },
    {
      header: 'KINDS',
      get: (f) => (f.kinds ? `f${f.kinds.file} s${f.kinds.socket} p${f.kinds.pipe} a${f.kinds.anon}${f.kinds.other ? ` o${f.kinds.other}` : ''}` : 'n/a'),
      priority: 3,
    },
    { header: 'ROLE', get: (f) => f.role, priority: 4 },
    { header: 'COMMAND', get: (f) => f.command, flex: true, min: 12, priority: 0 },
  ],
  sorts: [
    { label: 'growth', column: 'TREND', key: (f) => (f.growth ? 0 : 1) },
    { label: 'count', column: 'FDS', key: (f) => f.count ?? -1, desc: true },
    { label: 'slope', column: '/MIN', key: (f) => f.slopePerMin ?? -Infinity, desc: true },
    { label: 'pid', column: 'PID', key: (f) => f.pid },
  ],
  search: (f) => `${f.pid} ${f.command} ${f.role} ${f.trend}${f.growth ? ' growing growth' : ''}`,
  tone: (f) => (f.growth ? 'error' : null),
  detail: (f) => [
    `pid ${f.pid} ${f.command} · ${f.count ?? 'n/a'} descriptors: ${kindsText(f)}`,
    `${f.samples} samples · trend ${f.trend}${f.slopePerMin !== null ? ` (${f.slopePerMin.toFixed(2)}/min, Theil–Sen)` : ''}${f.growth ? ' · flagged: steady growth' : ''}`,
    `history: ${f.history.join(' ')}`,
  ],
};

// ---- Event log ------------------------------------------------------------------------------------

export interface LogRow {
  e: LogEvent;
  n: number;
}

const logPanel: PanelSpec<LogRow> = {
  id: 'log',
  rows: ({ events }) => events.map((e, n) => ({ e, n })),
  rowId: (r) => String(r.e.seq),
  label: (r) => `event ${r.e.seq}`,
  columns: () => [
    { header: 'TIME', get: (r) => formatClock(r.e.at), priority: 0 },
    { header: 'LEVEL', get: (r) => r.e.level, tone: (r) => (r.e.level === 'error' ? 'error' : r.e.level === 'warn' ? 'warn' : 'dim'), priority: 1 },
    { header: 'EVENT', get: (r) => r.e.text, flex: true, min: 20, priority: 0 },
  ],
  sorts: [
    { label: 'newest', column: 'TIME', key: (r) => r.n, desc: true },
    { label: 'oldest', column: 'TIME', key: (r) => r.n },
  ],
  search: (r) => `${r.e.level} ${r.e.text}`,
  tone: (r) => (r.e.level === 'error' ? 'error' : r.e.level === 'warn' ? 'warn' : null),
  detail: (r) => [r.e.text],
};

// ---- shared ---------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: one table of panels with different row types; each spec is typed where it is defined.
export const PANEL_SPECS: Record<PanelId, PanelSpec<any>> = {
  sessions: sessionsPanel,
  processes: processesPanel,
  zombies: zombiesPanel,
  descriptors: descriptorsPanel,
  log: logPanel,
};

export interface ViewParams {
  sort: number;
  reverse: boolean;
  filter: string;
}

/** A panel's rows (`all`, when the caller has them already) as the table shows them: filtered (case-insensitive, every word must match), then
 *  sorted (stable; a tree panel's first order is the tree itself). */
export function visibleRows<T>(spec: PanelSpec<T>, ctx: RowsCtx, params: ViewParams, all: T[] = spec.rows(ctx)): T[] {
  let rows = all;
  const words = params.filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length)
    rows = rows.filter((r) => {
      const hay = spec.search(r).toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  const order = spec.sorts[params.sort % spec.sorts.length]!;
  // A reversed tree is no tree: the rows upside down, without guides.
  if (spec.tree && params.sort % spec.sorts.length === 0) return params.reverse ? [...rows].reverse().map((r) => (spec.flat ? spec.flat(r) : r)) : rows;
  const dir = (order.desc ? -1 : 1) * (params.reverse ? -1 : 1);
  return rows
    .map((r, i) => ({ r: spec.flat ? spec.flat(r) : r, i, k: order.key(r) }))
    .sort((a, b) => (a.k < b.k ? -dir : a.k > b.k ? dir : a.i - b.i))
    .map((x) => x.r);
}
