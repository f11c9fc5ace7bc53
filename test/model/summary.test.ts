import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/model/summary.js';
import { fd, ghost, leaked, session, view, zombie } from './synthetic.js';

describe('summarize', () => {
  it('counts every kind from the table, totals the findings, and keeps the JSON key order', () => {
    const s = summarize({
      sessions: [session('$1', 'a'), session('$2', 'b', { status: 'active' })],
      leaked: [leaked(3)],
      strays: [leaked(4), leaked(5)],
      zombies: [zombie(7, 1, true), zombie(8, 1, false), zombie(9, 1, false)],
      ghosts: [ghost('g')],
      fds: [fd(1, true), fd(2, false)],
      overLimit: [],
      processes: [view(1), view(2)],
    });
    expect(s).toEqual({
      sessions: 2,
      orphans: 1,
      zombies: 1,
      zombiesOther: 2,
      leaked: 1,
      strays: 2,
      ghosts: 1,
      fdGrowth: 1,
      overLimit: 0,
      processes: 2,
      findings: 5,
    });
    expect(Object.keys(s)).toEqual([
      'sessions',
      'orphans',
      'zombies',
      'zombiesOther',
      'leaked',
      'strays',
      'ghosts',
      'fdGrowth',
      'overLimit',
      'processes',
      'findings',
    ]);
  });
});
