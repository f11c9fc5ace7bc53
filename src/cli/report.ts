// `--report [--since 24h] [--json]`: the seed's success metrics over the period, from the history a
// `--serve` recorded (history/db.ts, read-only). Exit 0 when every metric holds, 1 when one fails,
// 2 when there is no history (it says how to start recording).

import type { Config } from '../config.js';
import { historyPath, readHistory } from '../history/db.js';
import { buildReport } from '../model/report.js';
import { inert } from '../render/inert.js';
import { reportJson, reportText } from '../render/report.js';
import { colorWanted, makePaint } from '../render/theme.js';
import { EXIT, type RunCtx } from './io.js';

export async function runReport(config: Config, ctx: RunCtx): Promise<number> {
  const path = historyPath(ctx.env);
  const now = Date.now();
  const since = now - config.sinceMs;
  const rows = readHistory(path, since);
  if (rows !== null && 'error' in rows) {
    ctx.err.write(`orch-top: ${inert(rows.error)}\n`);
    return EXIT.usage;
  }
  const report = rows && buildReport(rows, { since, now });
  if (!report) {
    ctx.err.write(
      `orch-top: no history ${rows ? 'in the period' : `at ${inert(path)}`}; start recording with \`orch-top --serve\` (e.g. as a systemd user service)\n`,
    );
    return EXIT.usage;
  }
  if (config.json) ctx.out.write(reportJson(report));
  else ctx.out.write(reportText(report, makePaint(colorWanted(ctx.out, ctx.env)), ctx.out.isTTY ? (ctx.out.columns ?? 100) : 100));
  return report.holds ? EXIT.clean : EXIT.findings;
}
