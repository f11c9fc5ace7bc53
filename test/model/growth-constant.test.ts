// The growth detector's short cut for a series whose count never changed gives exactly what the
// pairwise loops give (it exists because those loops ran for every watched process every tick).
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROWTH, judgeGrowth, kendallTau, theilSenPerMin, type Sample } from '../../src/model/growth.js';

const series = (n: number, count: number, step = 1000): Sample[] => Array.from({ length: n }, (_, i) => ({ t: 1_000_000 + i * step, n: count }));

describe('judgeGrowth on a constant series', () => {
  it('is flat with slope 0, as the pairwise loops say', () => {
    for (const n of [2, 4, 5, 6, 60]) {
      const s = series(n, 17);
      const v = judgeGrowth(s);
      expect(v.slopePerMin).toBe(theilSenPerMin(s));
      expect(v).toEqual(
        n < DEFAULT_GROWTH.minSamples
          ? { trend: 'unknown', growth: false, tau: null, slopePerMin: 0, rise: null }
          : { trend: 'flat', growth: false, tau: kendallTau(s.map((x) => x.n)), slopePerMin: 0, rise: 0 },
      );
    }
  });

  it('has no slope when every sample has the same time', () => {
    expect(judgeGrowth(series(6, 3, 0)).slopePerMin).toBeNull();
    expect(theilSenPerMin(series(6, 3, 0))).toBeNull();
  });

  it('one change anywhere takes the full path', () => {
    const s = series(60, 10);
    s[59] = { ...s[59]!, n: 40 };
    expect(judgeGrowth(s).slopePerMin).toBe(theilSenPerMin(s));
    expect(judgeGrowth(s).tau).toBeGreaterThan(0);
  });
});
