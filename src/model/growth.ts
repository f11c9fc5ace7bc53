// The descriptor-growth detector: pure functions over a series of (time, count) samples.
//
// A leak is a *sustained* rise, not a high number and not one step up (a pool that opens ten
// connections once is not leaking). So the detector combines:
//   - the Mann–Kendall statistic (Kendall's tau of the series against time): a rank test for a
//     monotonic trend that ignores the size of jumps, so noise around a flat line scores near 0;
//   - the Theil–Sen slope (median of pairwise slopes), robust to outliers, for a rate in fd/min;
//   - a minimum net rise, so a series that creeps by one descriptor is not called a leak;
//   - the rise must continue in the recent half of the window: a step followed by a plateau stops
//     being "growth" as soon as the plateau fills half the window.
// n is at most the window size (60 by default), but the O(n²) pair loops run for every watched
// process every tick (the pairwise-slope median was most of classify's time with a full history). A
// series whose count never changed, which is nearly every process, is judged in O(n): every pair's
// sign and slope is 0, so its verdict is known without the pairs (exactly what the loops would give).

import type { FdTrend } from './types.js';

export interface Sample {
  /** epoch ms */
  t: number;
  n: number;
}

export interface GrowthOptions {
  /** Fewer samples than this: trend "unknown". */
  minSamples: number;
  /** Kendall tau over the whole window at or above which the trend counts as monotonic. */
  minTau: number;
  /** Kendall tau the recent half must still show. */
  minRecentTau: number;
  /** Net rise (median of the last third minus median of the first third) needed to call it growth. */
  minRise: number;
}

export const DEFAULT_GROWTH: GrowthOptions = { minSamples: 5, minTau: 0.5, minRecentTau: 0.3, minRise: 3 };

export interface GrowthVerdict {
  trend: FdTrend;
  growth: boolean;
  tau: number | null;
  /** Theil–Sen slope, per minute; null with fewer than two samples spanning some time. */
  slopePerMin: number | null;
  rise: number | null;
}

/** Kendall's tau-a of the values against their order: +1 strictly rising, -1 strictly falling, ties count 0. */
export function kendallTau(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const vi = values[i]!;
    for (let j = i + 1; j < n; j++) s += Math.sign(values[j]! - vi);
  }
  return s / ((n * (n - 1)) / 2);
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

/** Median of the slopes between every pair of samples, in counts per minute. */
export function theilSenPerMin(samples: readonly Sample[]): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < samples.length - 1; i++) {
    const a = samples[i]!;
    for (let j = i + 1; j < samples.length; j++) {
      const b = samples[j]!;
      if (b.t !== a.t) slopes.push(((b.n - a.n) / (b.t - a.t)) * 60_000);
    }
  }
  return slopes.length ? median(slopes) : null;
}

/** The verdict on a series whose count never changed: flat (or unknown when too short), slope 0. */
function judgeConstant(samples: readonly Sample[], opts: GrowthOptions): GrowthVerdict {
  const t0 = samples[0]!.t;
  const slopePerMin = samples.some((s) => s.t !== t0) ? 0 : null;
  if (samples.length < opts.minSamples) return { trend: 'unknown', growth: false, tau: null, slopePerMin, rise: null };
  return { trend: 'flat', growth: false, tau: 0, slopePerMin, rise: 0 };
}

export function judgeGrowth(samples: readonly Sample[], opts: GrowthOptions = DEFAULT_GROWTH): GrowthVerdict {
  if (samples.length > 1 && samples.every((s) => s.n === samples[0]!.n)) return judgeConstant(samples, opts);
  const slopePerMin = theilSenPerMin(samples);
  if (samples.length < opts.minSamples) return { trend: 'unknown', growth: false, tau: null, slopePerMin, rise: null };
  const values = samples.map((s) => s.n);
  const tau = kendallTau(values);
  const third = Math.max(1, Math.floor(values.length / 3));
  const rise = median(values.slice(-third)) - median(values.slice(0, third));
  const recentTau = kendallTau(values.slice(Math.floor(values.length / 2)));
  const growth = tau >= opts.minTau && recentTau >= opts.minRecentTau && rise >= opts.minRise && (slopePerMin ?? 0) > 0;
  let trend: FdTrend = 'flat';
  if (growth) trend = 'rising';
  else if (tau <= -opts.minTau && -rise >= opts.minRise) trend = 'falling';
  return { trend, growth, tau, slopePerMin, rise };
}
