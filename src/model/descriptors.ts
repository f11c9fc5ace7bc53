// Descriptors of every watched process: the count, its kinds, the series kept in the history and
// the growth detector's verdict on it. Pure.

import type { ClassifyConfig } from './classify-config.js';
import { judgeGrowth } from './growth.js';
import { nextSeries, procKey, type History } from './history.js';
import type { FdView, ProcessView, RawWorld } from './types.js';

/** Growing ones first, then by count. */
export function fdViews(
  processes: ProcessView[],
  fds: RawWorld['fds'],
  past: History['fds'],
  now: number,
  cfg: Pick<ClassifyConfig, 'growth' | 'historySize'>,
): FdView[] {
  const out: FdView[] = [];
  for (const v of processes) {
    const f = fds.get(v.pid);
    if (!f || f.startTime !== v.startTime) continue;
    const series = nextSeries(past.get(procKey(v.pid, v.startTime)) ?? [], f.count, now, cfg.historySize);
    const verdict = judgeGrowth(series, cfg.growth);
    out.push({
      pid: v.pid,
      startTime: v.startTime,
      command: v.command,
      role: v.role,
      sessionId: v.sessionId,
      server: v.server ?? null,
      count: f.count,
      kinds: f.kinds,
      trend: verdict.trend,
      slopePerMin: verdict.slopePerMin,
      samples: series.length,
      history: series.map((s) => s.n),
      growth: verdict.growth,
    });
  }
  return out.sort((a, b) => Number(b.growth) - Number(a.growth) || (b.count ?? -1) - (a.count ?? -1));
}
