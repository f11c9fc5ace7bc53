// renderMetrics on hand-built snapshots: the series a user queries, the sums that must mean something
// (each orphan once, under its main reason; per-session series adding up past the cap), every kind of
// finding from the model's table, inert label values, and the format rules promtool lints for.
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../../src/model/findings.js';
import type { Outcome } from '../../../src/model/outcome.js';
import { summarize } from '../../../src/model/summary.js';
import type { Snapshot } from '../../../src/model/types.js';
import { MAX_SESSION_SERIES, OTHER_SESSIONS, renderMetrics, type MetricsInput } from '../../../src/render/formats/prometheus.js';
import { fd, ghost, leaked, session, snapshot, zombie } from '../../model/synthetic.js';
import { richSnapshot } from '../rich-world.js';
import { formatProblems, parseExposition, sumOf, seriesValue } from './prometheus-exposition.js';

const NO_ACTS: Record<Outcome, number> = { exited: 0, killed: 0, gone: 0, 'skipped-reused': 0, denied: 0, failed: 0 };

/** A snapshot with its summary computed by the model, as the engine makes it. */
function snap(over: Partial<Snapshot>): Snapshot {
  const s = snapshot(over);
  return { ...s, summary: summarize(s) };
}
const input = (snapshot: Snapshot, over: Partial<MetricsInput> = {}): MetricsInput => ({
  snapshot,
  tickMs: 42,
  tickAt: Date.now() - 3_000,
  acts: NO_ACTS,
  historyBytes: null,
  ...over,
});
async function families(i: MetricsInput) {
  const { text, contentType } = await renderMetrics(i);
  expect(formatProblems(text)).toEqual([]);
  expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(text);
}

const MiB = 2 ** 20;
const world = snap({
  sessions: [
    session('$1', 'claude-agent-a', { reasons: ['orchestrator-down', 'unknown-to-registry'], rss: 10 * MiB, cpu: 50, processes: [10, 11], fds: 7 }),
    session('$2', 'claude-agent-b', { reasons: ['terminal-status', 'panes-dead'], rss: 5 * MiB, processes: [20], fds: null }),
    session('$3', 'agent_w1', {
      status: 'active',
      reasons: [],
      reason: null,
      agentId: 'w1',
      project: 'payments',
      rss: 30 * MiB,
      cpu: 150,
      processes: [30, 31, 32],
      fds: 90,
    }),
  ],
  leaked: [leaked(40), leaked(41)],
  strays: [leaked(50)],
  zombies: [zombie(60, 10, true), zombie(61, 10, true), zombie(62, 999, false)],
  ghosts: [ghost('g1')],
  fds: [fd(30, true, { sessionId: '$3' }), fd(31, true, { sessionId: '$3' }), fd(10, false, { sessionId: '$1' })],
});

describe('renderMetrics', () => {
  it('counts sessions by status and each orphan once, under its first reason', async () => {
    const f = await families(input(world));
    expect(seriesValue(f, 'orch_top_agent_sessions', { status: 'active' })).toBe(1);
    expect(seriesValue(f, 'orch_top_agent_sessions', { status: 'orphan' })).toBe(2);
    expect(seriesValue(f, 'orch_top_orphan_sessions', { reason: 'orchestrator-down' })).toBe(1);
    expect(seriesValue(f, 'orch_top_orphan_sessions', { reason: 'terminal-status' })).toBe(1);
    // A reason that is not the first is not counted again; an absent reason is a zero, not missing.
    expect(seriesValue(f, 'orch_top_orphan_sessions', { reason: 'unknown-to-registry' })).toBe(0);
    expect(seriesValue(f, 'orch_top_orphan_sessions', { reason: 'panes-dead' })).toBe(0);
    expect(sumOf(f, 'orch_top_orphan_sessions')).toBe(world.summary.orphans);
  });

  it('writes leaks, strays, zombies by scope, ghosts and descriptor growth', async () => {
    const f = await families(input(world));
    expect(seriesValue(f, 'orch_top_leaked_processes')).toBe(2);
    expect(seriesValue(f, 'orch_top_stray_processes')).toBe(1);
    expect(seriesValue(f, 'orch_top_zombies', { scope: 'in' })).toBe(2);
    expect(seriesValue(f, 'orch_top_zombies', { scope: 'other' })).toBe(1);
    expect(seriesValue(f, 'orch_top_ghost_agents')).toBe(1);
    expect(seriesValue(f, 'orch_top_descriptor_growth_processes')).toBe(2);
    expect(seriesValue(f, 'orch_top_session_descriptor_growth_processes', { session: 'agent_w1' })).toBe(2);
    expect(seriesValue(f, 'orch_top_session_descriptor_growth_processes', { session: 'claude-agent-a' })).toBe(0);
  });

  it('has one findings series per kind in the model table, equal to the summary', async () => {
    const f = await families(input(world));
    expect(f.get('orch_top_findings')!.samples.map((s) => s.labels.kind)).toEqual(FINDING_KINDS);
    for (const kind of FINDING_KINDS) expect(seriesValue(f, 'orch_top_findings', { kind }), kind).toBe(world.summary[kind]);
    expect(sumOf(f, 'orch_top_findings')).toBe(world.summary.findings);
  });

  it('gives each agent session its CPU (in cores), memory, processes and descriptors, labelled', async () => {
    const f = await families(input(world));
    const w1 = { session: 'agent_w1', agent: 'w1', project: 'payments' };
    expect(seriesValue(f, 'orch_top_session_cpu_ratio', w1)).toBe(1.5);
    expect(seriesValue(f, 'orch_top_session_resident_memory_bytes', w1)).toBe(30 * MiB);
    expect(seriesValue(f, 'orch_top_session_processes', w1)).toBe(3);
    expect(seriesValue(f, 'orch_top_session_open_fds', w1)).toBe(90);
    // Unreadable descriptors are no series, not a zero.
    expect(seriesValue(f, 'orch_top_session_open_fds', { session: 'claude-agent-b' })).toBeUndefined();
    expect(f.get('orch_top_session_resident_memory_bytes')!.samples.find((s) => s.labels.session === 'claude-agent-a')!.labels).toEqual({
      session: 'claude-agent-a',
      agent: '',
      project: '',
    });
  });

  it('caps the per-session series, summing the rest under session="__other__"', async () => {
    const n = MAX_SESSION_SERIES + 50;
    const many = snap({
      sessions: Array.from({ length: n }, (_, i) =>
        session(`$${i}`, `claude-agent-${String(i).padStart(3, '0')}`, { status: i < 10 ? 'orphan' : 'active', rss: (i + 1) * MiB, processes: [i], fds: 3 }),
      ),
    });
    const f = await families(input(many));
    for (const name of ['orch_top_session_resident_memory_bytes', 'orch_top_session_processes', 'orch_top_session_open_fds', 'orch_top_session_cpu_ratio']) {
      const samples = f.get(name)!.samples;
      expect(samples, name).toHaveLength(MAX_SESSION_SERIES + 1);
      expect(
        samples.filter((s) => s.labels.session === OTHER_SESSIONS),
        name,
      ).toHaveLength(1);
    }
    // Nothing is lost: the sums over sessions are the whole.
    expect(sumOf(f, 'orch_top_session_processes')).toBe(n);
    expect(sumOf(f, 'orch_top_session_open_fds')).toBe(3 * n);
    expect(sumOf(f, 'orch_top_session_resident_memory_bytes')).toBe(((n * (n + 1)) / 2) * MiB);
    expect(seriesValue(f, 'orch_top_session_processes', { session: OTHER_SESSIONS })).toBe(50);
    // Orphans always have their own series, then the heaviest.
    const shown = new Set(f.get('orch_top_session_processes')!.samples.map((s) => s.labels.session));
    for (let i = 0; i < 10; i++) expect(shown.has(`claude-agent-${String(i).padStart(3, '0')}`)).toBe(true);
    expect(shown.has(`claude-agent-${n - 1}`)).toBe(true);
    expect(shown.has('claude-agent-010')).toBe(false);
  });

  it('writes outside strings inert: no control character reaches the exposition', async () => {
    const evil = snap({
      sessions: [session('$1', 'claude-agent-\u001b]0;pwned\u0007\n"x\\', { agentId: 'a\u009b2J', project: 'p\u202eq', processes: [1] })],
    });
    const { text } = await renderMetrics(input(evil));
    expect(formatProblems(text)).toEqual([]);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const f = parseExposition(text);
    expect(f.get('orch_top_session_processes')!.samples[0]!.labels).toEqual({
      session: 'claude-agent-\\e]0;pwned\\a\\n"x\\',
      agent: 'a\\u009b2J',
      project: 'p\\u202eq',
    });
  });

  it('writes the last tick, acts by outcome as counters, and the history size when given', async () => {
    const tickAt = Date.now() - 4_000;
    const f = await families(input(world, { tickMs: 1_250, tickAt, acts: { ...NO_ACTS, exited: 3, killed: 1 }, historyBytes: 8192 }));
    expect(seriesValue(f, 'orch_top_tick_duration_seconds')).toBe(1.25);
    expect(seriesValue(f, 'orch_top_tick_age_seconds')).toBeGreaterThanOrEqual(4);
    expect(seriesValue(f, 'orch_top_tick_timestamp_seconds')).toBe(tickAt / 1000);
    expect(f.get('orch_top_acts_total')!.type).toBe('counter');
    expect(Object.fromEntries(f.get('orch_top_acts_total')!.samples.map((s) => [s.labels.outcome, s.value]))).toEqual({ ...NO_ACTS, exited: 3, killed: 1 });
    expect(seriesValue(f, 'orch_top_history_size_bytes')).toBe(8192);
    // Unknown: no series at all (a made-up zero would read as "took no time" or "empty").
    const bare = await families(input(world, { tickMs: null, tickAt: null }));
    for (const name of ['orch_top_tick_duration_seconds', 'orch_top_tick_age_seconds', 'orch_top_history_size_bytes']) expect(bare.has(name), name).toBe(false);
  });

  it('on a world the real model classified: the summary and the series agree, and the format holds', async () => {
    const rich = richSnapshot();
    const f = await families(input(rich));
    expect(sumOf(f, 'orch_top_agent_sessions')).toBe(rich.summary.sessions);
    expect(sumOf(f, 'orch_top_orphan_sessions')).toBe(rich.summary.orphans);
    expect(seriesValue(f, 'orch_top_zombies', { scope: 'in' })).toBe(rich.summary.zombies);
    expect(seriesValue(f, 'orch_top_zombies', { scope: 'other' })).toBe(rich.summary.zombiesOther);
    expect(seriesValue(f, 'orch_top_leaked_processes')).toBe(rich.summary.leaked);
    expect(sumOf(f, 'orch_top_session_resident_memory_bytes')).toBe(rich.sessions.reduce((a, s) => a + s.rss, 0));
    for (const fam of f.values()) expect(fam.help, fam.name).toBeTruthy();
  });

  it('a fresh registry each call: a session that went has no series the next time', async () => {
    const before = await families(input(world));
    expect(seriesValue(before, 'orch_top_session_processes', { session: 'claude-agent-a' })).toBe(2);
    const after = await families(input(snap({ sessions: world.sessions.slice(1) })));
    expect(seriesValue(after, 'orch_top_session_processes', { session: 'claude-agent-a' })).toBeUndefined();
  });
});
