import { describe, expect, it } from 'vitest';
import { judgeGrowth, kendallTau, theilSenPerMin, type Sample } from '../../src/model/growth.js';

// A deterministic pseudo-random generator, so "noise" is the same on every run.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const series = (values: number[], stepMs = 1000): Sample[] => values.map((n, i) => ({ t: i * stepMs, n }));
const noisyFlat = (len: number, base: number, amp: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: len }, () => base + Math.round((r() * 2 - 1) * amp));
};

describe('kendallTau and Theil–Sen', () => {
  it('scores a strictly rising series +1 and a falling one -1', () => {
    expect(kendallTau([1, 2, 3, 4])).toBe(1);
    expect(kendallTau([4, 3, 2, 1])).toBe(-1);
    expect(kendallTau([5, 5, 5, 5])).toBe(0);
  });
  it('gives the slope per minute of a line, unmoved by one outlier', () => {
    const s = series([10, 11, 12, 13, 14, 500, 16, 17]);
    expect(theilSenPerMin(s)).toBeCloseTo(60, 5);
  });
});

describe('judgeGrowth', () => {
  it('says unknown with too few samples', () => {
    expect(judgeGrowth(series([1, 2, 3]))).toMatchObject({ trend: 'unknown', growth: false });
  });

  it('flags a steady leak of one descriptor per tick', () => {
    const v = judgeGrowth(series(Array.from({ length: 30 }, (_, i) => 40 + i)));
    expect(v.growth).toBe(true);
    expect(v.trend).toBe('rising');
    expect(v.slopePerMin).toBeCloseTo(60, 5);
  });

  it('flags a slow staircase leak (one more every third tick)', () => {
    expect(judgeGrowth(series(Array.from({ length: 30 }, (_, i) => 40 + Math.floor(i / 3)))).growth).toBe(true);
  });

  it('flags a leak buried in noise', () => {
    const noise = noisyFlat(40, 0, 2, 7);
    expect(judgeGrowth(series(noise.map((x, i) => 50 + i + x))).growth).toBe(true);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('does not flag a noisy flat series (seed %i)', (seed) => {
    const v = judgeGrowth(series(noisyFlat(60, 50, 3, seed)));
    expect(v.growth).toBe(false);
    expect(v.trend).toBe('flat');
  });

  it('does not flag a perfectly flat series', () => {
    expect(judgeGrowth(series(Array(20).fill(12))).trend).toBe('flat');
  });

  it('does not flag a sawtooth (opens a batch, closes it again)', () => {
    const saw = Array.from({ length: 40 }, (_, i) => 20 + (i % 8) * 3);
    expect(judgeGrowth(series(saw)).growth).toBe(false);
  });

  it('does not flag a single step up followed by a plateau', () => {
    const step = [...Array(15).fill(10), ...Array(15).fill(20)];
    expect(judgeGrowth(series(step)).growth).toBe(false);
  });

  it('does not flag a rise of one or two descriptors', () => {
    expect(judgeGrowth(series([10, 10, 10, 11, 11, 11, 11, 12, 12, 12])).growth).toBe(false);
  });

  it('calls a steady decline falling, not growth', () => {
    expect(judgeGrowth(series(Array.from({ length: 20 }, (_, i) => 100 - 2 * i)))).toMatchObject({
      trend: 'falling',
      growth: false,
    });
  });

  it('stops flagging once a leak has stopped for half the window', () => {
    const stopped = [...Array.from({ length: 10 }, (_, i) => 10 + i * 2), ...Array(20).fill(30)];
    expect(judgeGrowth(series(stopped)).growth).toBe(false);
  });
});
