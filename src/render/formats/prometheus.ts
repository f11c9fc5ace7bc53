// The Prometheus text exposition of one look: `--metrics` prints it, `--serve --listen` serves it at
// /metrics. What every series means is in the README's Metrics section. A fresh prom-client Registry
// per call, so a series that has gone away is gone, and no default metrics (three of Node's fail
// promtool's lint, and orch-top's own heap is not what it watches). Decides nothing and reads nothing:
// it writes what it is given. Outside strings (session, agent, project names) are made inert first,
// since an exposition is also read in a terminal.
//
// Conventions (promtool check metrics finds nothing): an `orch_top_` prefix, base units (seconds,
// bytes), `_total` on counters only, HELP on every metric, and a sum over a metric's labels that
// means something: each orphan is counted once, under its main (first) reason; the per-session series
// are capped at MAX_SESSION_SERIES and the rest summed under session="__other__".

import { Counter, Gauge, Registry } from 'prom-client';
import { FINDING_KINDS } from '../../model/findings.js';
import type { Outcome } from '../../model/outcome.js';
import type { OrphanReason, SessionStatus, SessionView, Snapshot } from '../../model/types.js';
import { inert } from '../inert.js';

export interface MetricsInput {
  snapshot: Snapshot;
  /** How long the look that made `snapshot` took, ms; null: unknown. */
  tickMs: number | null;
  /** When that look ended, epoch ms; null: unknown. */
  tickAt: number | null;
  /** Targets acted on since the service started, by outcome (zeros for a one-shot --metrics). */
  acts: Record<Outcome, number>;
  /** The history database's size; null when there is none. */
  historyBytes: number | null;
}

/** Per-session series beyond this many are summed under session="__other__". */
export const MAX_SESSION_SERIES = 200;
export const OTHER_SESSIONS = '__other__';

const PREFIX = 'orch_top_';

// Every status and reason, so a zero is written as a zero (a missing series is not a zero in PromQL).
// A Record over the union: a new status or reason that is not listed here does not compile.
const STATUSES: Record<SessionStatus, true> = { active: true, orphan: true, contested: true };
const REASONS: Record<OrphanReason, true> = { 'orchestrator-down': true, 'terminal-status': true, 'unknown-to-registry': true, 'panes-dead': true };

type Labels = 'session' | 'agent' | 'project';
const SESSION_LABELS = ['session', 'agent', 'project'] as const;

export async function renderMetrics(input: MetricsInput): Promise<{ contentType: string; text: string }> {
  const registry = new Registry();
  addLookMetrics(registry, input.snapshot);
  addFindingMetrics(registry, input.snapshot);
  addSessionMetrics(registry, input.snapshot);
  addServiceMetrics(registry, input);
  return { contentType: registry.contentType, text: await registry.metrics() };
}

function gauge<L extends string = never>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return new Gauge<L>({ name: PREFIX + name, help, labelNames, registers: [registry] });
}

function one(registry: Registry, name: string, help: string, value: number): void {
  gauge(registry, name, help).set(value);
}

/** What the look saw, beside the findings. */
function addLookMetrics(registry: Registry, snap: Snapshot): void {
  const sessions = gauge(registry, 'agent_sessions', 'Agent sessions on the watched tmux server, by status (active or orphan).', ['status']);
  for (const status of Object.keys(STATUSES) as SessionStatus[]) sessions.set({ status }, 0);
  for (const s of snap.sessions) sessions.inc({ status: s.status });
  one(registry, 'watched_processes', 'Processes watched: agent sessions, leaked processes and the orchestrators.', snap.summary.processes);
  one(registry, 'orchestrators_running', 'Orchestrator processes found running (one per project may run).', snap.orchestrators.filter((o) => o.running).length);
  one(
    registry,
    'other_tmux_sessions',
    'Sessions on the watched tmux servers that are not agent sessions (never touched).',
    snap.tmux.reduce((n, t) => n + t.otherSessions, 0),
  );
  one(
    registry,
    'look_incomplete',
    'Things the look was asked to see and could not (a --workspace, a registry, a --pidfile); 0 when it saw everything.',
    snap.incomplete.length,
  );
}

/** One series per kind of finding (model/findings.ts's table), and the kinds' own breakdowns. */
function addFindingMetrics(registry: Registry, snap: Snapshot): void {
  const findings = gauge(registry, 'findings', 'Findings of the last look, by kind (the summary counts; zombies: in scope only).', ['kind']);
  for (const kind of FINDING_KINDS) findings.set({ kind }, snap.summary[kind]);

  const orphans = gauge(registry, 'orphan_sessions', 'Orphan agent sessions, each counted once under its main (first) reason.', ['reason']);
  for (const reason of Object.keys(REASONS)) orphans.set({ reason }, 0);
  for (const s of snap.sessions) if (s.status === 'orphan') orphans.inc({ reason: s.reasons[0] ?? 'unknown' });

  one(registry, 'leaked_processes', 'Processes traced to a gone agent pane or session (a --reap ends them).', snap.leaked.length);
  one(registry, 'stray_processes', 'Leftovers of gone panes that cannot be traced to an agent: listed, never touched.', snap.strays.length);
  const zombies = gauge(registry, 'zombies', 'Defunct processes: scope="in" when the parent is in the orchestrator\'s scope, "other" elsewhere.', ['scope']);
  const inScope = snap.zombies.filter((z) => z.parentInScope).length;
  zombies.set({ scope: 'in' }, inScope);
  zombies.set({ scope: 'other' }, snap.zombies.length - inScope);
  one(registry, 'ghost_agents', 'Agents the registry calls active whose tmux session does not exist.', snap.ghosts.length);
  one(
    registry,
    'descriptor_growth_processes',
    'Watched processes whose descriptor count keeps rising over the history window.',
    snap.fds.filter((f) => f.growth).length,
  );
}

/** The sessions that get a series of their own: orphans first, then the most resident memory. */
function shownSessions(sessions: SessionView[]): { shown: SessionView[]; rest: SessionView[] } {
  const ranked = [...sessions].sort(
    (a, b) => Number(b.status === 'orphan') - Number(a.status === 'orphan') || b.rss - a.rss || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return { shown: ranked.slice(0, MAX_SESSION_SERIES), rest: ranked.slice(MAX_SESSION_SERIES) };
}

function addSessionMetrics(registry: Registry, snap: Snapshot): void {
  const g = (name: string, help: string) => gauge<Labels>(registry, name, help, SESSION_LABELS);
  const cpu = g('session_cpu_ratio', "CPU use of the session's processes over the last interval, in cores (1 = one core busy).");
  const rss = g('session_resident_memory_bytes', "Resident memory of the session's processes, summed.");
  const procs = g('session_processes', 'Processes in the session (pane trees and same-session members).');
  const fds = g('session_open_fds', "Open descriptors of the session's processes, summed (only those that could be read).");
  const growth = g('session_descriptor_growth_processes', 'Processes of the session whose descriptor count keeps rising.');
  const growing = new Map<string, number>();
  for (const f of snap.fds) if (f.growth && f.sessionId) growing.set(f.sessionId, (growing.get(f.sessionId) ?? 0) + 1);
  const { shown, rest } = shownSessions(snap.sessions);
  const rows: [Record<Labels, string>, SessionView][] = [
    ...shown.map((s): [Record<Labels, string>, SessionView] => [{ session: inert(s.name), agent: inert(s.agentId ?? ''), project: inert(s.project ?? '') }, s]),
    ...rest.map((s): [Record<Labels, string>, SessionView] => [{ session: OTHER_SESSIONS, agent: '', project: '' }, s]),
  ];
  // inc, not set: two sessions with the same labels (the same name on two servers) add up.
  for (const [labels, s] of rows) {
    cpu.inc(labels, s.cpu / 100);
    rss.inc(labels, s.rss);
    procs.inc(labels, s.processes.length);
    growth.inc(labels, growing.get(s.id) ?? 0);
    if (s.fds !== null) fds.inc(labels, s.fds);
  }
}

/** What the service knows about itself: its last tick, its acts, its history. */
function addServiceMetrics(registry: Registry, input: MetricsInput): void {
  if (input.tickMs !== null) one(registry, 'tick_duration_seconds', 'How long the last look (one tick) took.', input.tickMs / 1000);
  if (input.tickAt !== null) {
    one(registry, 'tick_age_seconds', 'Time since the last look ended, at the moment of this exposition.', Math.max(0, Date.now() - input.tickAt) / 1000);
    one(registry, 'tick_timestamp_seconds', 'When the last look ended, Unix time.', input.tickAt / 1000);
  }
  const acts = new Counter({
    name: `${PREFIX}acts_total`,
    help: 'Targets acted on (processes, sessions, zombies) since the service started, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const [outcome, n] of Object.entries(input.acts)) acts.inc({ outcome }, n);
  if (input.historyBytes !== null) one(registry, 'history_size_bytes', 'Size of the history database on disk.', input.historyBytes);
}
