// The series the console draws from a --serve's history: clock-aligned buckets over the last hour
// (30 s each) and the last day (10 min each), each bucket the largest value in it, null where nothing
// was recorded; descriptor series per process (pid and start time); squeezing keeps spikes and gaps.
import { describe, expect, it } from 'vitest';
import { buildHistorySeries, bucketSeries, DAY, HOUR, latest, range, squeeze, type TickSample } from '../../src/model/history-series.js';

const NOW = Date.parse('2026-11-25T12:00:10Z');
const tick = (at: number, c: Partial<TickSample> = {}): TickSample => ({ at, sessions: 2, orphans: 0, zombies: 0, leaked: 0, ...c });

describe('bucketSeries', () => {
  it('puts each row in its clock-aligned bucket, ending with the one holding now, the largest value winning', () => {
    // The bucket holding now is [12:00:00, 12:00:30): the last one.
    const s = bucketSeries([tick(NOW - 5_000, { orphans: 1 }), tick(NOW, { orphans: 3 }), tick(NOW - 31_000, { orphans: 2 })], (t) => t.orphans, HOUR, NOW);
    expect(s).toHaveLength(HOUR.buckets);
    expect(s.at(-1)).toBe(3);
    expect(s.at(-2)).toBe(2);
    expect(s.slice(0, -2).every((v) => v === null)).toBe(true);
  });

  it('leaves out rows older than the window or after it', () => {
    const s = bucketSeries([tick(NOW - 2 * 3_600_000), tick(NOW + 60_000)], (t) => t.sessions, HOUR, NOW);
    expect(s.every((v) => v === null)).toBe(true);
  });
});

describe('buildHistorySeries', () => {
  it('gives each count an hour and a day, a gap where the service did not record', () => {
    // One tick every 5 s for the last 10 minutes, one orphan during minutes 3-4; nothing before.
    const ticks: TickSample[] = [];
    for (let t = NOW - 600_000; t <= NOW; t += 5_000) ticks.push(tick(t, { orphans: t >= NOW - 420_000 && t < NOW - 300_000 ? 1 : 0, leaked: 0 }));
    const s = buildHistorySeries({ ticks, procsHour: [], procsDay: [] }, NOW);
    expect(s.last).toBe(NOW);
    const recorded = s.hour.orphans.filter((v) => v !== null);
    expect(recorded).toHaveLength(21); // 600 s of ticks over 30 s buckets, both ends included
    // Two minutes of one orphan from 11:53:10: four whole buckets and a partly one, which the max keeps.
    expect(recorded.filter((v) => v === 1)).toHaveLength(5);
    expect(s.hour.orphans.slice(0, 99).every((v) => v === null)).toBe(true);
    expect(s.day.sessions.filter((v) => v !== null)).toEqual([2, 2]); // 11:50-12:00 and 12:00-12:10
    expect(range(s.day.orphans)).toEqual({ min: 0, max: 1 });
    expect(latest(s.hour.orphans)).toBe(0);
  });

  it('keys descriptor series by pid and start time (a reused pid is another process), each window from its own rows', () => {
    const s = buildHistorySeries(
      {
        ticks: [],
        procsHour: [
          { at: NOW - 60_000, pid: 7, startTime: 70, fds: 10 },
          { at: NOW, pid: 7, startTime: 70, fds: 14 },
          { at: NOW, pid: 7, startTime: 99, fds: 3 },
        ],
        procsDay: [
          { at: NOW - 7_200_000, pid: 7, startTime: 70, fds: 8 },
          { at: NOW, pid: 7, startTime: 70, fds: 14 },
        ],
      },
      NOW,
    );
    expect(Object.keys(s.fds).sort()).toEqual(['7:70', '7:99']);
    expect(latest(s.fds['7:70']!.hour)).toBe(14);
    expect(range(s.fds['7:70']!.hour)).toEqual({ min: 10, max: 14 });
    expect(range(s.fds['7:70']!.day)).toEqual({ min: 8, max: 14 });
    expect(s.fds['7:99']!.day.every((v) => v === null)).toBe(true);
    expect(s.fds['7:99']!.hour).toHaveLength(HOUR.buckets);
    expect(s.last).toBeNull();
  });

  it('is the same for the same rows at the same time (so a read that finds nothing new changes nothing)', () => {
    const rows = { ticks: [tick(NOW - 1_000)], procsHour: [], procsDay: [] };
    expect(JSON.stringify(buildHistorySeries(rows, NOW))).toBe(JSON.stringify(buildHistorySeries(rows, NOW + 5_000)));
  });
});

describe('squeeze', () => {
  it('keeps a one-bucket spike and an empty stretch', () => {
    const v = [...new Array<number | null>(DAY.buckets).fill(null)];
    v[10] = 5;
    v[100] = 0;
    const s = squeeze(v, 24);
    expect(s).toHaveLength(24);
    expect(s.filter((x) => x === 5)).toHaveLength(1);
    expect(s.filter((x) => x === null)).toHaveLength(22);
    expect(squeeze([1, null, 2], 10)).toEqual([1, null, 2]);
  });
});
