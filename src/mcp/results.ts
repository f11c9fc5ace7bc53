// What the MCP tools answer, from one snapshot: the structured results (their names and counts are
// those of the `--snapshot --json` document, so they are taken from render/document.ts's mapping) and
// the same as text for people, every outside string made inert (a client may print it on a
// terminal). Pure: no I/O, no decisions beyond the filters.

import { FINDING_KINDS, findingSpec } from '../model/findings.js';
import type { SpawnRoom } from '../model/limits.js';
import type { FindingKind, FindingViews, Snapshot } from '../model/types.js';
import { snapshotDocument } from '../render/document.js';
import { formatAge, formatBytes, formatCount, formatPct, plural } from '../render/format.js';
import { inertDeep } from '../render/inert.js';

export interface UsageFilter {
  project?: string | undefined;
  agentId?: string | undefined;
  /** A session's id ("$3") or name. */
  session?: string | undefined;
}

/** The look's state every result carries: when, which tmux server, and what could not be seen. */
function lookOf(snap: Snapshot) {
  return {
    takenAt: snap.takenAt,
    tmux: snap.tmux.map((t) => ({ socket: t.socket, available: t.available, running: t.running, stale: t.stale, error: t.error })),
    errors: [...snap.errors],
    incomplete: [...snap.incomplete],
  };
}

/** resource_usage: the summary, the orchestrators, and each agent session's usage (filtered). */
export function resourceUsage(snap: Snapshot, filter: UsageFilter) {
  const doc = snapshotDocument(snap);
  const now = Date.parse(snap.takenAt);
  const wanted = doc.sessions.filter(
    (s) =>
      (filter.project === undefined || s.project === filter.project) &&
      (filter.agentId === undefined || s.agentId === filter.agentId) &&
      (filter.session === undefined || s.id === filter.session || s.name === filter.session),
  );
  return {
    ...lookOf(snap),
    summary: doc.summary,
    orchestrators: doc.orchestrators.map((o) => ({ pid: o.pid, running: o.running, project: o.project, cpu: o.cpu, rss: o.rss, fds: o.fds })),
    filter: { project: filter.project ?? null, agentId: filter.agentId ?? null, session: filter.session ?? null },
    sessions: wanted.map((s) => ({
      id: s.id,
      name: s.name,
      agentId: s.agentId,
      taskId: s.taskId,
      project: s.project,
      status: s.status,
      reason: s.reason,
      cpu: s.cpu,
      rss: s.rss,
      fds: s.fds,
      processes: s.processes,
      created: s.created,
      ageMs: Math.max(0, now - s.created),
    })),
  };
}

export type ResourceUsage = ReturnType<typeof resourceUsage>;

/** Every kind a `findings` call may ask for: the table's kinds (limits exceeded among them). */
export const FINDINGS_TOOL_KINDS = FINDING_KINDS;
export type FindingsToolKind = FindingKind;

interface Described {
  what: string;
  reason: string;
  sessionId: string | null;
  sessionName: string | null;
  pid: number | null;
  startTime: number | null;
}

/** How one finding of each kind is told: a kind of the table without one here does not compile. */
const DESCRIBE: { [K in FindingKind]: (x: FindingViews[K]) => Described } = {
  orphans: (s) => ({ what: `session ${s.id} ${s.name}`, reason: s.reason ?? 'orphan', sessionId: s.id, sessionName: s.name, pid: null, startTime: null }),
  leaked: (l) => ({
    what: `pid ${l.pid} ${l.command}`,
    reason: l.reason,
    sessionId: l.sessionId,
    sessionName: l.sessionName,
    pid: l.pid,
    startTime: l.startTime,
  }),
  zombies: (z) => ({
    what: `zombie ${z.pid} of pid ${z.ppid} (${z.parentCommand ?? '?'})`,
    reason: `its parent has not reaped it${z.parentIsTmuxServer ? ' (the parent is the tmux server: only ever nudged with SIGCHLD)' : ''}`,
    sessionId: z.sessionId,
    sessionName: null,
    pid: z.pid,
    startTime: z.startTime,
  }),
  ghosts: (g) => ({
    what: `ghost agent ${g.agentId}${g.tmuxSession ? ` (session ${g.tmuxSession})` : ''}`,
    reason: `the ${g.registrySource} registry says ${g.registryStatus} but no such session exists${g.server ? ` on tmux ${g.server}` : ''}`,
    sessionId: null,
    sessionName: g.tmuxSession,
    pid: null,
    startTime: null,
  }),
  overLimit: (o) => ({
    what: `session ${o.sessionId ?? '?'} ${o.sessionName ?? o.project ?? ''}`.trimEnd(),
    reason: `${o.reason} (${o.hard ? 'hard' : 'soft'} limit)`,
    sessionId: o.sessionId,
    sessionName: o.sessionName,
    pid: null,
    startTime: null,
  }),
  fdGrowth: (f) => ({
    what: `pid ${f.pid} ${f.command}`,
    reason: `descriptors rising steadily: ${formatCount(f.count)} open, ${f.slopePerMin === null ? '?' : `+${f.slopePerMin.toFixed(1)}`}/min over ${f.samples} samples`,
    sessionId: f.sessionId,
    sessionName: null,
    pid: f.pid,
    startTime: f.startTime,
  }),
};

/** findings: the counts of every kind (the summary's keys, and overLimit), and each finding with its reason. */
export function findingsResult(snap: Snapshot, kind: FindingsToolKind | undefined) {
  const counts = {} as Record<FindingsToolKind, number>;
  const findings: ({ kind: FindingsToolKind; label: string; severity: 'error' | 'warn'; reapRemoves: boolean } & Described)[] = [];
  for (const k of FINDING_KINDS) {
    const spec = findingSpec(k);
    const items = spec.items(snap);
    counts[k] = items.length;
    if (kind !== undefined && kind !== k) continue;
    const describe = DESCRIBE[k] as (x: FindingViews[FindingKind]) => Described;
    for (const x of items) findings.push({ kind: k, label: spec.label.one, severity: spec.severity, reapRemoves: spec.reapRemoves, ...describe(x) });
  }
  return { ...lookOf(snap), summary: snapshotDocument(snap).summary, counts, findings };
}

export type FindingsResult = ReturnType<typeof findingsResult>;

const lookLines = (r: ReturnType<typeof lookOf>): string[] => [
  ...r.tmux.filter((t) => t.error || !t.available).map((t) => `tmux ${t.socket}: ${t.error ?? 'not available'}`),
  ...r.errors.map((e) => `error: ${e}`),
  ...r.incomplete.map((e) => `incomplete look: ${e}`),
];

/** Counts as "2 orphans, 0 leaked, …", in the summary's words (model/findings.ts). */
function countsLine(summary: Record<string, number>): string {
  const kinds = FINDING_KINDS.map((k) => plural(summary[k] ?? 0, findingSpec(k).label.one, findingSpec(k).label.many));
  return [plural(summary.sessions ?? 0, 'agent session'), ...kinds].join(', ');
}

export function resourceUsageText(outside: ResourceUsage): string {
  const r = inertDeep(outside);
  const head = `${r.takenAt}  ${countsLine(r.summary)}`;
  const orch = r.orchestrators.map(
    (o) =>
      `orchestrator pid ${o.pid}${o.project ? ` (${o.project})` : ''}: ${o.running ? 'running' : 'DOWN'}, cpu ${formatPct(o.cpu)}%, rss ${formatBytes(o.rss)}, fds ${formatCount(o.fds)}`,
  );
  const rows = r.sessions.map(
    (s) =>
      `${s.id} ${s.name}  ${s.status}${s.reason ? ` (${s.reason})` : ''}  agent ${s.agentId ?? '-'}  project ${s.project ?? '-'}  ` +
      `cpu ${formatPct(s.cpu)}%  rss ${formatBytes(s.rss)}  ${plural(s.processes.length, 'process', 'processes')}  fds ${formatCount(s.fds)}  age ${formatAge(s.ageMs)}`,
  );
  const filtered = r.filter.project !== null || r.filter.agentId !== null || r.filter.session !== null;
  const none = rows.length ? [] : [filtered ? 'no agent session matches the filter' : 'no agent sessions'];
  return [head, ...lookLines(r), ...orch, ...rows, ...none].join('\n') + '\n';
}

export function findingsText(outside: FindingsResult): string {
  const r = inertDeep(outside);
  const counts = FINDINGS_TOOL_KINDS.map((k) => `${k} ${r.counts[k]}`).join(', ');
  const rows = r.findings.map((f) => `${f.label}: ${f.what} — ${f.reason}`);
  return [`${r.takenAt}  ${counts}`, ...lookLines(r), ...(rows.length ? rows : ['no findings'])].join('\n') + '\n';
}

export function spawnRoomText(outside: SpawnRoom): string {
  const r = inertDeep(outside);
  const where = r.project === null ? '' : ` in project ${r.project}`;
  const max = r.maxAgents === null ? 'no maxAgents limit' : `maxAgents ${r.maxAgents}`;
  const room = r.room === null ? 'room not limited' : `room for ${plural(r.room, 'more agent')}`;
  const head = `one more agent${where} ${r.allowed ? 'fits' : 'does not fit'}: ${plural(r.agents, 'active agent')}, ${max}, ${room}`;
  return [head, ...r.reasons.map((x) => `  ${x}`)].join('\n') + '\n';
}
