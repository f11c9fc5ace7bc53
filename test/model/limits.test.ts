// Resource limits as a rule: the config's `limits` parsed strictly (every bad value names its key),
// overrides per project and agent type, each limit's finding (which, by how much, for how long), the
// windows measured across looks, spawnRoom at maxAgents, and the plan that enforces only when asked.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/model/usage-error.js';
import { findOverLimit, limitsFor, nextLimitTrack, parseLimits, spawnRoom, type Limits } from '../../src/model/limits.js';
import { makePlan } from '../../src/model/plan.js';
import type { SessionView } from '../../src/model/types.js';
import { NOW, session, snapshot } from './synthetic.js';

const W = 'config /c.json: limits';
const bad = (raw: unknown) => {
  try {
    parseLimits(raw, W);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('parsed');
};
const agentSession = (id: string, over: Partial<SessionView> = {}) =>
  session(id, `claude-agent-${id.slice(1)}`, { status: 'active', reasons: [], reason: null, created: NOW - 60_000, ...over });

describe('parseLimits', () => {
  it('takes sizes, percent/window, counts and durations; plain values are soft, { value, hard } hard', () => {
    const l = parseLimits(
      {
        maxRss: '2GB',
        maxCpu: { value: '150%/2m', hard: true },
        maxProcesses: 50,
        maxFds: '1000',
        maxAge: '8h',
        maxIdle: 1800,
        maxAgents: 4,
        projects: { web: { maxAgents: 2, maxRss: { value: '512MiB', hard: true } } },
        types: { reviewer: { maxAge: '1d' } },
      },
      W,
    );
    expect(l.maxRss).toEqual({ value: 2e9, hard: false });
    expect(l.maxCpu).toEqual({ value: 150, forMs: 120_000, hard: true });
    expect(l.maxProcesses).toEqual({ value: 50, hard: false });
    expect(l.maxFds).toEqual({ value: 1000, hard: false });
    expect(l.maxAge).toEqual({ value: 8 * 3_600_000, hard: false });
    expect(l.maxIdle).toEqual({ value: 1_800_000, hard: false });
    expect(l.maxAgents).toBe(4);
    expect(l.projects.web).toEqual({ maxAgents: 2, maxRss: { value: 512 * 2 ** 20, hard: true } });
    // The most specific wins: type over project over the defaults.
    const r = limitsFor(l, 'web', 'reviewer');
    expect(r.maxRss).toEqual({ value: 512 * 2 ** 20, hard: true });
    expect(r.maxAge).toEqual({ value: 86_400_000, hard: false });
    expect(r.maxProcesses).toEqual({ value: 50, hard: false });
  });

  it('bad limits: one line naming the key', () => {
    expect(bad({ maxRss: '-2GB' })).toBe(`${W}.maxRss: "-2GB" is negative`);
    expect(bad({ maxRss: '2XB' })).toMatch(/^config \/c\.json: limits\.maxRss: "2XB" is not a size/);
    expect(bad({ maxProcesses: -1 })).toBe(`${W}.maxProcesses: -1 is negative`);
    expect(bad({ maxProcesses: 2.5 })).toBe(`${W}.maxProcesses: 2.5 is not a whole number`);
    expect(bad({ maxAge: '3 weeks' })).toMatch(/limits\.maxAge: "3 weeks" is not a duration/);
    expect(bad({ maxCpu: 150 })).toMatch(/limits\.maxCpu: 150 is not a CPU limit/);
    expect(bad({ maxCpu: '150%/forever' })).toMatch(/limits\.maxCpu \(its window\): "forever" is not a duration/);
    expect(bad({ maxRam: '1GB' })).toMatch(/^config \/c\.json: limits\.maxRam: unknown key/);
    expect(bad({ projects: { web: { maxFds: { value: 10, hard: 'yes' } } } })).toBe(`${W}.projects.web.maxFds.hard: must be true or false`);
    expect(bad({ projects: { web: { maxFds: { value: 10, soft: true } } } })).toMatch(/limits\.projects\.web\.maxFds\.soft: unknown key/);
    expect(bad({ types: { x: { maxAgents: 1 } } })).toMatch(/limits\.types\.x\.maxAgents: unknown key \(maxAgents is per project/);
    expect(bad({ maxIdle: 0 })).toMatch(/limits\.maxIdle: 0 is zero/);
    expect(bad([1])).toBe(`${W}: must be a JSON object`);
  });
});

describe('findOverLimit', () => {
  const limits: Limits = parseLimits({ maxRss: { value: '100MiB', hard: true }, maxProcesses: 5, maxIdle: '10s', maxAge: '1h', maxCpu: '50%/20s' }, W);

  it('says which limit, by how much and since when; nothing for a session within every limit', () => {
    const fat = agentSession('$1', { rss: 150 * 2 ** 20, cpu: 5 });
    const many = agentSession('$2', { processes: [1, 2, 3, 4, 5, 6, 7], cpu: 5 });
    const old = agentSession('$3', { created: NOW - 2 * 3_600_000, cpu: 5 });
    const fine = agentSession('$4', { rss: 2 ** 20, processes: [9], cpu: 5 });
    const found = findOverLimit([fat, many, old, fine], limits, undefined, NOW);
    expect(found.map((o) => [o.sessionId, o.limit, o.hard])).toEqual([
      ['$1', 'maxRss', true],
      ['$2', 'maxProcesses', false],
      ['$3', 'maxAge', false],
    ]);
    expect(found[0]).toMatchObject({ value: 150 * 2 ** 20, max: 100 * 2 ** 20, by: 50 * 2 ** 20, unit: 'bytes', since: NOW, forMs: 0 });
    expect(found[0]!.reason).toBe('maxRss 150 MiB > 100 MiB, by 50 MiB, for 0s');
    expect(found[2]).toMatchObject({ since: NOW - 3_600_000, forMs: 3_600_000, reason: 'maxAge up 2h (max 1h)' });
  });

  it('idle and sustained CPU are measured across looks, from what the last look recorded', () => {
    const snapAt = (cpu: number) =>
      snapshot({ sessions: [agentSession('$1', { cpu })], tmux: snapshot().tmux.map((t) => ({ ...t, running: true, serverPid: 100 })) });
    let track = nextLimitTrack(snapAt(0), limits, undefined, NOW);
    expect(findOverLimit(snapAt(0).sessions, limits, track, NOW + 5_000)).toEqual([]);
    const idle = findOverLimit(snapAt(0).sessions, limits, track, NOW + 12_000);
    expect(idle.map((o) => [o.limit, o.value, o.forMs])).toEqual([['maxIdle', 12_000, 2_000]]);
    // Busy at 90% from NOW+12s: not yet over the 20 s window at +25 s, over it at +33 s; no longer idle.
    track = nextLimitTrack(snapAt(90), limits, track, NOW + 12_000);
    expect(findOverLimit(snapAt(90).sessions, limits, track, NOW + 25_000)).toEqual([]);
    const cpu = findOverLimit(snapAt(90).sessions, limits, track, NOW + 33_000);
    expect(cpu.map((o) => [o.limit, o.forMs, o.reason])).toEqual([['maxCpu', 21_000, 'maxCpu 90.0% > 50.0%, by 40.0% (sustained 20s), for 21s']]);
    // A look under the limit starts the window again.
    track = nextLimitTrack(snapAt(10), limits, track, NOW + 34_000);
    expect(findOverLimit(snapAt(90).sessions, limits, track, NOW + 40_000)).toEqual([]);
  });

  it('a project over its maxAgents is one finding without a session', () => {
    const l = parseLimits({ maxAgents: 5, projects: { web: { maxAgents: 1 } } }, W);
    const found = findOverLimit([agentSession('$1', { project: 'web' }), agentSession('$2', { project: 'web' }), agentSession('$3')], l, undefined, NOW);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ sessionId: null, project: 'web', limit: 'maxAgents', value: 2, max: 1, by: 1 });
  });
});

describe('spawnRoom', () => {
  const l = parseLimits({ maxAgents: 3, projects: { web: { maxAgents: 2 } } }, W);
  it('says no at maxAgents, counts orphans as holding room, and yes below it', () => {
    const s = snapshot({ sessions: [agentSession('$1', { project: 'web' }), session('$2', 'x', { project: 'web' }), agentSession('$3')] });
    const web = spawnRoom(s, l, 'web');
    expect(web).toMatchObject({ allowed: false, project: 'web', agents: 2, maxAgents: 2, room: 0 });
    expect(web.reasons).toEqual(['2 agent sessions in project web: at maxAgents 2', '1 of them is an orphan: orch-top --reap frees their room']);
    expect(spawnRoom(s, l, null)).toMatchObject({ allowed: true, agents: 1, maxAgents: 3, room: 2 });
    expect(spawnRoom(s, parseLimits({}, W), 'web')).toMatchObject({ allowed: true, maxAgents: null, room: null });
    const blind = snapshot({ tmux: s.tmux.map((t) => ({ ...t, error: 'tmux timed out' })) });
    expect(spawnRoom(blind, l, 'web').allowed).toBe(false);
  });
});

describe('the plan and limits', () => {
  const over = (id: string, hard: boolean) => ({
    sessionId: id,
    server: '-L x',
    sessionName: `claude-agent-${id.slice(1)}`,
    agentId: null,
    project: null,
    agentType: null,
    limit: 'maxRss' as const,
    hard,
    value: 3,
    max: 2,
    unit: 'bytes' as const,
    by: 1,
    since: NOW,
    forMs: 0,
    reason: 'maxRss 3 B > 2 B, by 1 B, for 0s',
  });
  const snap = snapshot({
    sessions: [agentSession('$1'), agentSession('$2'), agentSession('$3')],
    overLimit: [over('$1', true), over('$2', false)],
  });
  const opts = { graceMs: 1000, server: {} };

  it('a reap without enforceLimits ends nothing for a limit, and says so', () => {
    const plan = makePlan(snap, { kind: 'reap' }, opts);
    expect(plan.steps).toEqual([]);
    expect(plan.left.map((l) => l.why)).toEqual(['limits are enforced only with --enforce-limits', 'a soft limit is reported, never enforced']);
  });

  it('with enforceLimits: a session step for each agent over a hard limit, and only those', () => {
    const plan = makePlan(snap, { kind: 'reap', enforceLimits: true }, opts);
    expect(plan.steps.map((s) => (s.kind === 'session' ? [s.session.id, s.reason] : s.kind))).toEqual([['$1', 'over limit: maxRss 3 B > 2 B, by 1 B, for 0s']]);
    expect(plan.left.map((l) => l.what)).toEqual(['session $2 claude-agent-2 over limit: maxRss 3 B > 2 B, by 1 B, for 0s']);
  });
});
