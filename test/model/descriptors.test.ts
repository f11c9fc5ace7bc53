import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFY } from '../../src/model/classify-config.js';
import { fdViews } from '../../src/model/descriptors.js';
import { cpuOf, fdCountOf, processViews, withFigures } from '../../src/model/figures.js';
import type { FdCount } from '../../src/model/types.js';
import { leaked, NOW, proc, table, view } from './synthetic.js';

const count = (pid: number, n: number | null, startTime = pid * 10): FdCount => ({ pid, startTime, count: n, kinds: null, error: null });

describe('descriptors', () => {
  it('a rising series is growth and sorts first; a reused pid or an unread count adds nothing', () => {
    const past = new Map([['1:10', Array.from({ length: 20 }, (_, i) => ({ t: NOW - (20 - i) * 60_000, n: 10 + i * 5 }))]]);
    const fds = new Map([
      [1, count(1, 120)],
      [2, count(2, 500)],
      [3, count(3, 7, 999)],
      [4, count(4, null)],
    ]);
    const v = fdViews([view(2), view(1), view(3), view(4)], fds, past, NOW, DEFAULT_CLASSIFY);
    expect(v.map((f) => [f.pid, f.growth, f.samples])).toEqual([
      [1, true, 21],
      [2, false, 1],
      [4, false, 0],
    ]);
    expect(v[0]!.history.at(-1)).toBe(120);
  });
});

describe('figures', () => {
  it('CPU over the interval, or the lifetime average on first sight', () => {
    const p = proc(1, 0, { cpuTicks: 300, startedAt: NOW - 10_000 });
    expect(cpuOf(p, new Map([['1:10', { ticks: 200, at: NOW - 2_000 }]]), NOW, 100)).toBeCloseTo(50);
    expect(cpuOf(p, new Map(), NOW, 100)).toBeCloseTo(30);
    expect(fdCountOf(p, new Map([[1, count(1, 5, 11)]]))).toBeNull();
  });

  it('process views by session id (as localeCompare orders "~" for none) then pid; leaks take their figures', () => {
    const procs = table(proc(1, 0), proc(2, 0), proc(3, 0));
    const v = processViews(
      [
        { pid: 3, role: 'leaked', sessionId: null, server: null },
        { pid: 2, role: 'pane', sessionId: '$2', server: null },
        { pid: 1, role: 'pane', sessionId: '$2', server: null },
      ],
      procs,
      new Map([[1, count(1, 4)]]),
      () => 2,
    );
    expect(v.map((x) => [x.pid, x.sessionId, x.fds, x.cpu])).toEqual([
      [3, null, null, 2],
      [1, '$2', 4, 2],
      [2, '$2', null, 2],
    ]);
    expect(withFigures([leaked(3), leaked(9)], new Map([[3, { ...v[0]!, fds: 8 }]])).map((l) => [l.cpu, l.fds])).toEqual([
      [2, 8],
      [0, null],
    ]);
  });
});
