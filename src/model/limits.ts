// Resource limits: which agent sessions are over a configured limit (RSS, CPU sustained over a window,
// processes, descriptors, age, idle time), which projects have more agent sessions than they may,
// and how much room is left before the next spawn. Pure: a snapshot's sessions, the parsed limits and
// what earlier looks saw (History.limits) in; findings and the next record out.
//
// Idle is "no CPU for that long" in every process of the session: whatever an agent prints, some
// process of its session spends CPU to print it, and the CPU figures are already read each tick (the
// tmux activity times would be another field of every list-panes line, and a pane's log is not
// orch-top's to read). Sustained figures (CPU over a window, how long anything has been over) are
// measured from the first look that saw them so: a one-shot look knows only what it sampled (--sample).

import { type AgentLimitName, type AgentLimits, type CpuLimit, type Limit, type Limits, type LimitName, limitsFor, maxAgentsFor } from './limits-parse.js';
import { sessionKey, tmuxAvailable, tmuxError } from './servers.js';
import type { OverLimitView, SessionView, Snapshot } from './types.js';

export {
  AGENT_LIMITS,
  type AgentLimitName,
  type AgentLimits,
  type CpuLimit,
  hasLimits,
  type Limit,
  type LimitName,
  type Limits,
  limitsFor,
  maxAgentsFor,
  NO_LIMITS,
  parseLimits,
  type ProjectLimits,
} from './limits-parse.js';

/** What the next look needs: since when each (session, limit) has been over, and when each session last used CPU. */
export interface LimitTrack {
  /** key `${serverPid}:${sessionId}:${limit}` → epoch ms of the first look that saw it over. */
  over: Map<string, number>;
  /** key `${serverPid}:${sessionId}` → epoch ms of the last look that saw its processes use CPU. */
  busy: Map<string, number>;
}

export const emptyLimitTrack = (): LimitTrack => ({ over: new Map(), busy: new Map() });

type Unit = OverLimitView['unit'];
const UNITS: Record<LimitName, Unit> = {
  maxRss: 'bytes',
  maxCpu: 'percent',
  maxProcesses: 'processes',
  maxFds: 'descriptors',
  maxAge: 'ms',
  maxIdle: 'ms',
  maxAgents: 'agents',
};

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200 && s % 3600 !== 0) return `${Math.round(s / 60)}m`;
  return s < 172_800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86_400)}d`;
}

/** A figure of a limit, in its unit's words. */
export function limitFigure(unit: Unit, n: number): string {
  switch (unit) {
    case 'bytes':
      return bytes(n);
    case 'percent':
      return `${n >= 100 ? Math.round(n) : n.toFixed(1)}%`;
    case 'ms':
      return duration(n);
    default:
      return String(n);
  }
}

interface Reading {
  limit: AgentLimitName;
  rule: Limit | CpuLimit;
  value: number;
  /** Over right now (before any window is applied). */
  over: boolean;
  /** When it went over: measured (age, idle) or the first look that saw it (the rest); null when not over. */
  since: number | null;
  /** Over for long enough to be a finding. */
  finding: boolean;
}

/** A session's key across looks: its server, its id and when it was created (a restarted server reuses ids). */
const trackKey = (s: SessionView) => `${s.server}:${s.id}:${s.created}`;

/** This look's reading of every limit a session is held to. */
function readSession(s: SessionView, rules: AgentLimits, track: LimitTrack, now: number, key: string): Reading[] {
  const out: Reading[] = [];
  const seen = (limit: AgentLimitName, over: boolean) => (over ? (track.over.get(`${key}:${limit}`) ?? now) : null);
  const plain = (limit: AgentLimitName, rule: Limit | undefined, value: number | null) => {
    if (!rule || value === null) return;
    const over = value > rule.value;
    out.push({ limit, rule, value, over, since: seen(limit, over), finding: over });
  };
  plain('maxRss', rules.maxRss, s.rss);
  plain('maxProcesses', rules.maxProcesses, s.processes.length);
  plain('maxFds', rules.maxFds, s.fds);
  if (rules.maxCpu) {
    const over = s.cpu > rules.maxCpu.value;
    const since = seen('maxCpu', over);
    out.push({ limit: 'maxCpu', rule: rules.maxCpu, value: s.cpu, over, since, finding: since !== null && now - since >= rules.maxCpu.forMs });
  }
  if (rules.maxAge) {
    const age = now - s.created;
    const over = age > rules.maxAge.value;
    out.push({ limit: 'maxAge', rule: rules.maxAge, value: age, over, since: over ? s.created + rules.maxAge.value : null, finding: over });
  }
  if (rules.maxIdle) {
    const idle = now - lastBusy(s, track, now, key);
    const over = idle > rules.maxIdle.value;
    out.push({ limit: 'maxIdle', rule: rules.maxIdle, value: idle, over, since: over ? now - idle + rules.maxIdle.value : null, finding: over });
  }
  return out;
}

/** The last look that saw the session's processes use CPU (this one when they do; on first sight, now). */
const lastBusy = (s: SessionView, track: LimitTrack, now: number, key: string) => (s.cpu > 0 ? now : (track.busy.get(key) ?? now));

function reasonOf(limit: LimitName, unit: Unit, value: number, max: number, forMs: number | null, extra = ''): string {
  const f = (n: number) => limitFigure(unit, n);
  const what =
    limit === 'maxIdle'
      ? `idle ${f(value)} (max ${f(max)})`
      : limit === 'maxAge'
        ? `up ${f(value)} (max ${f(max)})`
        : `${f(value)} > ${f(max)}, by ${f(value - max)}`;
  return `${limit} ${what}${extra}${forMs !== null && limit !== 'maxIdle' && limit !== 'maxAge' ? `, for ${duration(forMs)}` : ''}`;
}

function viewOf(s: SessionView, r: Reading, now: number): OverLimitView {
  const unit = UNITS[r.limit];
  const forMs = r.since === null ? null : Math.max(0, now - r.since);
  const cpuWindow = r.limit === 'maxCpu' && (r.rule as CpuLimit).forMs > 0 ? ` (sustained ${duration((r.rule as CpuLimit).forMs)})` : '';
  return {
    sessionId: s.id,
    server: s.server,
    sessionName: s.name,
    agentId: s.agentId,
    project: s.project,
    agentType: s.agent?.type ?? null,
    limit: r.limit,
    hard: r.rule.hard,
    value: r.value,
    max: r.rule.value,
    unit,
    by: r.value - r.rule.value,
    since: r.since,
    forMs,
    reason: reasonOf(r.limit, unit, r.value, r.rule.value, forMs, cpuWindow),
  };
}

/** The agent sessions of a project (null: those of no known project), counted against its maxAgents. */
const projectSessions = (sessions: readonly SessionView[], project: string | null) => sessions.filter((s) => s.project === project);

/** Projects with more agent sessions than their maxAgents: one finding each (no session: a cap is not one agent's). */
function overAgents(sessions: readonly SessionView[], limits: Limits): OverLimitView[] {
  const out: OverLimitView[] = [];
  for (const project of [...new Set(sessions.map((s) => s.project))]) {
    const max = maxAgentsFor(limits, project);
    const n = projectSessions(sessions, project).length;
    if (max === null || n <= max) continue;
    out.push({
      sessionId: null,
      server: null,
      sessionName: null,
      agentId: null,
      project,
      agentType: null,
      limit: 'maxAgents',
      hard: false,
      value: n,
      max,
      unit: 'agents',
      by: n - max,
      since: null,
      forMs: null,
      reason: `maxAgents ${n} agent sessions > ${max}${project === null ? ' (no project)' : ` in project ${project}`}, by ${n - max}`,
    });
  }
  return out;
}

/** Every limit exceeded in this look: per agent session (in session order), then per project. */
export function findOverLimit(sessions: readonly SessionView[], limits: Limits, track: LimitTrack | undefined, now: number): OverLimitView[] {
  const t = track ?? emptyLimitTrack();
  const out: OverLimitView[] = [];
  for (const s of sessions) {
    const rules = limitsFor(limits, s.project, s.agent?.type ?? null);
    for (const r of readSession(s, rules, t, now, trackKey(s))) if (r.finding) out.push(viewOf(s, r, now));
  }
  return [...out, ...overAgents(sessions, limits)];
}

/** What the next look needs to measure windows: since when each limit has been over, and the last CPU use. */
export function nextLimitTrack(snap: Pick<Snapshot, 'sessions' | 'tmux'>, limits: Limits, track: LimitTrack | undefined, now: number): LimitTrack {
  const t = track ?? emptyLimitTrack();
  const next = emptyLimitTrack();
  for (const s of snap.sessions) {
    const key = trackKey(s);
    next.busy.set(key, lastBusy(s, t, now, key));
    const rules = limitsFor(limits, s.project, s.agent?.type ?? null);
    for (const r of readSession(s, rules, t, now, key)) if (r.over && r.since !== null) next.over.set(`${key}:${r.limit}`, r.since);
  }
  return next;
}

/** The sessions a plan with enforceLimits ends: those over a hard limit, each with its reasons, by
 *  sessionKey(server, id) — a session id means nothing without its server. */
export function hardOverLimit(snap: Pick<Snapshot, 'overLimit'>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of snap.overLimit) {
    if (!o.hard || o.sessionId === null) continue;
    const k = sessionKey(o.server, o.sessionId);
    out.set(k, [...(out.get(k) ?? []), o.reason]);
  }
  return out;
}

/** Whether one more agent fits a project's maxAgents, and how much room is left (the guard before spawning). */
export interface SpawnRoom {
  allowed: boolean;
  project: string | null;
  /** Agent sessions of the project now (orphans too: they hold their room until reaped). */
  agents: number;
  maxAgents: number | null;
  /** How many more may start; null without a cap. */
  room: number | null;
  reasons: string[];
}

export function spawnRoom(snap: Snapshot, limits: Limits, project: string | null): SpawnRoom {
  const mine = projectSessions(snap.sessions, project);
  const agents = mine.length;
  const maxAgents = maxAgentsFor(limits, project);
  const where = project === null ? 'with no project' : `in project ${project}`;
  const reasons: string[] = [];
  if (!tmuxAvailable(snap) || tmuxError(snap)) {
    reasons.push(`the look at tmux failed (${tmuxError(snap) ?? 'tmux is not available'}): agent sessions cannot be counted`);
    return { allowed: false, project, agents, maxAgents, room: null, reasons };
  }
  const room = maxAgents === null ? null : Math.max(0, maxAgents - agents);
  if (maxAgents === null) reasons.push(`no maxAgents applies ${where}; ${agents} agent session${agents === 1 ? '' : 's'} now`);
  else if (room === 0)
    reasons.push(
      `${agents} agent session${agents === 1 ? '' : 's'} ${where}: at maxAgents ${maxAgents}${agents > maxAgents ? ` (over by ${agents - maxAgents})` : ''}`,
    );
  else reasons.push(`${agents} of maxAgents ${maxAgents} agent sessions ${where}: room for ${room} more`);
  const orphans = mine.filter((s) => s.status === 'orphan').length;
  if (orphans && room !== null) reasons.push(`${orphans} of them ${orphans === 1 ? 'is an orphan' : 'are orphans'}: orch-top --reap frees their room`);
  return { allowed: room === null || room > 0, project, agents, maxAgents, room, reasons };
}
