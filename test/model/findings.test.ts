// The table of finding kinds: every kind has all its parts, counts come from the snapshot's lists,
// and what is said of each (event lines, survivors, left alone) reads as it always has.
import { describe, expect, it } from 'vitest';
import { countFindings, FINDING_KINDS, FINDINGS, findingSpec } from '../../src/model/findings.js';
import { fd, ghost, leaked, session, snapshot, zombie } from './synthetic.js';

const world = () =>
  snapshot({
    sessions: [session('$1', 'claude-agent-1'), session('$2', 'claude-agent-2', { status: 'active', reasons: [], reason: null })],
    leaked: [leaked(300), leaked(301)],
    zombies: [zombie(102, 100, true), zombie(900, 800, false)],
    ghosts: [ghost('g-1')],
    fds: [fd(100, true), fd(200, false)],
  });

describe('FINDINGS', () => {
  it('lists the kinds in display order, each under its own key (also its summary key)', () => {
    expect(FINDING_KINDS).toEqual(['orphans', 'leaked', 'zombies', 'ghosts', 'fdGrowth', 'overLimit']);
    for (const k of FINDING_KINDS) expect(FINDINGS[k].key).toBe(k);
  });

  it('a reap removes exactly the kinds the reap intent covers', () => {
    // overLimit: a reap answers only for the sessions it planned (with --enforce-limits), so it is covered, not removed.
    for (const k of FINDING_KINDS) expect(findingSpec(k).reapRemoves).toBe(findingSpec(k).remains?.coveredBy.reap === 'all');
    expect(FINDING_KINDS.filter((k) => !FINDINGS[k].reapRemoves)).toEqual(['ghosts', 'fdGrowth', 'overLimit']);
  });

  it('counts orphans, leaks, zombies in scope, ghosts and growing descriptors', () => {
    expect(countFindings(world())).toEqual({ orphans: 1, leaked: 2, zombies: 1, ghosts: 1, fdGrowth: 1, overLimit: 0 });
  });

  it('words: labels, header short forms, first-look tallies; ghosts are warnings, the rest errors', () => {
    expect(FINDING_KINDS.map((k) => FINDINGS[k].label.many)).toEqual([
      'orphans',
      'leaked processes',
      'zombies',
      'ghosts',
      'descriptor leaks',
      'agents over a limit',
    ]);
    expect(FINDING_KINDS.map((k) => FINDINGS[k].short.one)).toEqual(['orphan', 'leaked', 'zombie', 'ghost', 'fd leak', 'over limit']);
    expect(FINDING_KINDS.map((k) => FINDINGS[k].log.tally)).toEqual(['orphans', 'leaked', 'zombies', 'ghosts', 'descriptor leaks', 'over a limit']);
    expect(FINDING_KINDS.map((k) => FINDINGS[k].severity)).toEqual(['error', 'error', 'error', 'warn', 'error', 'warn']);
  });

  it('event lines: an orphan that appears, one that went (gone or no longer an orphan), zombies in one line', () => {
    const o = FINDINGS.orphans.log;
    const s1 = session('$1', 'a', { reason: 'all panes dead' });
    expect(o.appeared!([s1])).toEqual(['orphan: session $1 a (all panes dead)']);
    expect(o.cleared!([s1, session('$3', 'c')], snapshot({ sessions: [{ ...s1, status: 'active' }] }))).toEqual([
      'session $1 a is no longer an orphan',
      'session $3 c is gone',
    ]);
    expect(FINDINGS.zombies.log.appeared!([zombie(7, 1, true), zombie(8, 1, true)])).toEqual(['2 new zombies in scope (pids 7, 8)']);
    expect(FINDINGS.zombies.log.appeared!([])).toEqual([]);
    expect(FINDINGS.fdGrowth.log.appeared!([fd(5, true, { count: 90, slopePerMin: 2.25 })])).toEqual(['descriptor leak: pid 5 cmd5 at 90 (+2.3/min)']);
  });

  it('left alone: each ghost, and descriptor growth as one line', () => {
    expect(FINDINGS.ghosts.leftAlone!.lines([ghost('g-1')], { kind: 'reap' }).map((l) => l.what)).toEqual(['ghost agent g-1 (session agent_g-1)']);
    expect(FINDINGS.fdGrowth.leftAlone!.lines([fd(1, true), fd(2, true)], { kind: 'reap' })).toEqual([
      { what: 'descriptor growth in 2 processes', why: 'a growing count is a bug to fix, not a process to kill' },
    ]);
    expect(FINDINGS.fdGrowth.leftAlone!.lines([], { kind: 'reap' })).toEqual([]);
  });
});
