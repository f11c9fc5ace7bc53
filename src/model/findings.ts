// The kinds of finding, as one table: for each, its labels, severity, whether a reap removes it, how
// it is counted from a snapshot, its event-log lines, what is left of it after a cleanup, and what a
// plan says when it leaves it alone. Everything that lists kinds derives from FINDINGS (the summary,
// the summary line, the header counts, the event log, remainingAfter, the plan's "left alone" list),
// so a kind without one of these does not compile. Pure data and formatting; no rules of detection
// (those are the rule modules beside it) and no I/O.

import type { Intent, IntentKind } from './intent.js';
import type { FindingKind, FindingViews, Snapshot } from './types.js';

/** What a kind is counted from: the snapshot's lists (a summary is built before the snapshot is). */
export type FindingLists = Pick<Snapshot, 'sessions' | 'leaked' | 'zombies' | 'ghosts' | 'fds' | 'overLimit'>;

export interface Label {
  one: string;
  many: string;
}

/** 'all': every one the look after still sees; 'planned-sessions': those of the sessions the plan named. */
export type Coverage = 'all' | 'planned-sessions';

export interface FindingSpec<K extends FindingKind> {
  /** Also its count's key in the summary and the JSON document. */
  key: K;
  /** The summary line's words ("leaked process"). */
  label: Label;
  /** The console header's words ("fd leak"). */
  short: Label;
  /** The colour of a non-zero count in the header. */
  severity: 'error' | 'warn';
  /** The summary line, the header and the first look leave it out while its count is 0 (a kind only
   *  a configured limit can produce: no limits, no word about them). */
  quietWhenZero?: boolean;
  /** Whether `--reap` removes it (ghosts and descriptor growth are reported, never fixed). */
  reapRemoves: boolean;
  /** The findings of this kind in a snapshot; the count is their number. */
  items: (s: FindingLists) => FindingViews[K][];
  log: {
    /** The first look's word after the count ("3 descriptor leaks"). */
    tally: string;
    /** What makes one the same across snapshots. */
    identity: (x: FindingViews[K]) => string;
    /** Warning lines for those that appeared since the last look; null: none logged. */
    appeared: ((added: FindingViews[K][]) => string[]) | null;
    /** Info lines for those that went; null: none logged. */
    cleared: ((removed: FindingViews[K][], next: Snapshot) => string[]) | null;
  };
  /** What a cleanup is judged by: which intents promise to remove it, and how a survivor reads. */
  remains: {
    coveredBy: Readonly<Partial<Record<IntentKind, Coverage>>>;
    sessionOf: (x: FindingViews[K]) => string | null;
    line: (x: FindingViews[K]) => string;
  } | null;
  /** What a plan of these intents says when it leaves this kind alone; null: never said. */
  leftAlone: {
    intents: readonly IntentKind[];
    lines: (items: FindingViews[K][], intent: Intent) => { what: string; why: string }[];
  } | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const procKey = (x: { pid: number; startTime: number }) => `${x.pid}:${x.startTime}`;
const orphanSessions = (s: FindingLists) => s.sessions.filter((x) => x.status === 'orphan');

/** In display order: the summary line, the header and the first look list kinds in this order. */
export const FINDINGS: Readonly<{ [K in FindingKind]: FindingSpec<K> }> = {
  orphans: {
    key: 'orphans',
    label: { one: 'orphan', many: 'orphans' },
    short: { one: 'orphan', many: 'orphans' },
    severity: 'error',
    reapRemoves: true,
    items: orphanSessions,
    log: {
      tally: 'orphans',
      identity: (s) => s.id,
      appeared: (added) => added.map((s) => `orphan: session ${s.id} ${s.name} (${s.reason})`),
      cleared: (removed, next) => {
        const live = new Set(next.sessions.map((s) => s.id));
        return removed.map((s) => (live.has(s.id) ? `session ${s.id} ${s.name} is no longer an orphan` : `session ${s.id} ${s.name} is gone`));
      },
    },
    remains: {
      coveredBy: { reap: 'all', 'kill-orphans': 'all' },
      sessionOf: (s) => s.id,
      line: (s) => `orphan session ${s.id} ${s.name} (${s.reason})`,
    },
    leftAlone: null,
  },
  leaked: {
    key: 'leaked',
    label: { one: 'leaked process', many: 'leaked processes' },
    short: { one: 'leaked', many: 'leaked' },
    severity: 'error',
    reapRemoves: true,
    items: (s) => s.leaked,
    log: {
      tally: 'leaked',
      identity: procKey,
      appeared: (added) => added.map((l) => `leaked: pid ${l.pid} ${l.command} (${l.reason})`),
      cleared: null,
    },
    remains: {
      coveredBy: { reap: 'all', 'kill-orphans': 'all', 'kill-leaked': 'all', shutdown: 'all', 'kill-session': 'planned-sessions' },
      sessionOf: (l) => l.sessionId,
      line: (l) => `leaked pid ${l.pid} ${l.command} (${l.reason})`,
    },
    leftAlone: null,
  },
  zombies: {
    key: 'zombies',
    label: { one: 'zombie', many: 'zombies' },
    short: { one: 'zombie', many: 'zombies' },
    severity: 'error',
    reapRemoves: true,
    // Only those whose parent is in scope: the rest of the machine's zombies are listed, not findings.
    items: (s) => s.zombies.filter((z) => z.parentInScope),
    log: {
      tally: 'zombies',
      identity: procKey,
      appeared: (added) => (added.length ? [`${plural(added.length, 'new zombie')} in scope (pids ${added.map((z) => z.pid).join(', ')})`] : []),
      cleared: null,
    },
    remains: {
      coveredBy: { reap: 'all', 'reap-zombies': 'all', shutdown: 'all' },
      sessionOf: (z) => z.sessionId,
      line: (z) => `zombie ${z.pid} of pid ${z.ppid} (${z.parentCommand ?? '?'})`,
    },
    leftAlone: null,
  },
  ghosts: {
    key: 'ghosts',
    label: { one: 'ghost', many: 'ghosts' },
    short: { one: 'ghost', many: 'ghosts' },
    severity: 'warn',
    reapRemoves: false,
    items: (s) => s.ghosts,
    log: { tally: 'ghosts', identity: (g) => g.agentId, appeared: null, cleared: null },
    remains: null,
    leftAlone: {
      intents: ['reap', 'shutdown'],
      lines: (ghosts) =>
        ghosts.map((g) => ({
          what: `ghost agent ${g.agentId}${g.tmuxSession ? ` (session ${g.tmuxSession})` : ''}`,
          why: `the ${g.registrySource} registry says ${g.registryStatus} but no such session exists${g.server ? ` on tmux ${g.server}` : ''}; orch-top never writes ${g.source && g.source !== 'orchestrator' ? `${g.source}'s` : "the orchestrator's"} files`,
        })),
    },
  },
  fdGrowth: {
    key: 'fdGrowth',
    label: { one: 'descriptor leak', many: 'descriptor leaks' },
    short: { one: 'fd leak', many: 'fd leaks' },
    severity: 'error',
    reapRemoves: false,
    items: (s) => s.fds.filter((f) => f.growth),
    log: {
      tally: 'descriptor leaks',
      identity: procKey,
      appeared: (added) => added.map((f) => `descriptor leak: pid ${f.pid} ${f.command} at ${f.count} (+${f.slopePerMin?.toFixed(1) ?? '?'}/min)`),
      cleared: null,
    },
    remains: null,
    leftAlone: {
      intents: ['reap'],
      lines: (growing) =>
        growing.length
          ? [{ what: `descriptor growth in ${plural(growing.length, 'process', 'processes')}`, why: 'a growing count is a bug to fix, not a process to kill' }]
          : [],
    },
  },
  overLimit: {
    key: 'overLimit',
    label: { one: 'agent over a limit', many: 'agents over a limit' },
    short: { one: 'over limit', many: 'over limit' },
    severity: 'warn',
    quietWhenZero: true,
    // Only with --enforce-limits, and only hard limits: a reap alone leaves them.
    reapRemoves: false,
    items: (s) => s.overLimit,
    log: {
      tally: 'over a limit',
      identity: (o) => `${o.sessionId ?? `project:${o.project ?? ''}`}:${o.limit}`,
      appeared: (added) =>
        added.map((o) => `over limit: ${o.sessionId ? `session ${o.sessionId} ${o.sessionName}` : 'agents'} ${o.reason}${o.hard ? ' (hard)' : ''}`),
      cleared: (removed) =>
        removed.map((o) => `${o.sessionId ? `session ${o.sessionId} ${o.sessionName}` : `project ${o.project ?? '(none)'}`} is no longer over ${o.limit}`),
    },
    remains: {
      coveredBy: { reap: 'planned-sessions', 'kill-session': 'planned-sessions', shutdown: 'planned-sessions' },
      sessionOf: (o) => o.sessionId,
      line: (o) => `session ${o.sessionId} ${o.sessionName} over limit: ${o.reason}`,
    },
    leftAlone: {
      intents: ['reap', 'shutdown'],
      lines: (items, intent) => {
        const enforcing = intent.kind === 'reap' && intent.enforceLimits === true;
        return items
          .filter((o) => !(enforcing && o.hard && o.sessionId !== null))
          .map((o) => ({
            what: o.sessionId ? `session ${o.sessionId} ${o.sessionName} over limit: ${o.reason}` : `over limit: ${o.reason}`,
            why:
              o.sessionId === null
                ? 'maxAgents is a guard before spawning (can_spawn): orch-top never ends a running agent to meet it'
                : !o.hard
                  ? 'a soft limit is reported, never enforced'
                  : 'limits are enforced only with --enforce-limits',
          }));
      },
    },
  },
};

/** Every kind, in display order. */
export const FINDING_KINDS = Object.keys(FINDINGS) as FindingKind[];

/** The spec of one kind, typed loosely enough to be used in a loop over FINDING_KINDS. */
export function findingSpec(kind: FindingKind): FindingSpec<FindingKind> {
  return FINDINGS[kind] as unknown as FindingSpec<FindingKind>;
}

/** The kinds a line of counts shows for this summary: every kind, but a quiet one only when non-zero. */
export function shownKinds(counts: Record<FindingKind, number>): FindingKind[] {
  return FINDING_KINDS.filter((k) => counts[k] > 0 || !findingSpec(k).quietWhenZero);
}

/** How many of each kind a snapshot's lists hold. */
export function countFindings(lists: FindingLists): Record<FindingKind, number> {
  const out = {} as Record<FindingKind, number>;
  for (const k of FINDING_KINDS) out[k] = findingSpec(k).items(lists).length;
  return out;
}
