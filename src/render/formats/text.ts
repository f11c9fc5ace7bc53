// --format text (the default): tables for people. A cleanup's report is the plan (what was planned),
// the results, the look after and, when something is left, what and why; a clean shutdown ends with
// "cleanup completed".

import type { CleanupReport } from '../document.js';
import { inert } from '../inert.js';
import { renderPlanText, renderResultsText } from '../plan.js';
import { renderSnapshotText, summaryLine } from '../text.js';
import type { FormatOptions, OutputFormat } from './format.js';

function reportText(r: CleanupReport, { paint, width }: FormatOptions): string {
  if (r.dryRun) return renderPlanText(r.plan, { paint, width }) + paint('dim', 'dry run: nothing was touched') + '\n';
  let out = renderPlanText(r.plan, { paint, width, detail: false });
  if (r.plan.steps.length) out += renderResultsText(r.plan, r.execution, { paint, width });
  out += `${paint('heading', 'AFTER')}  ${summaryLine(r.after, paint)}\n`;
  if (r.remaining.length) {
    out += paint('error', `${r.remaining.length} left:`) + '\n';
    for (const s of r.remaining) out += `  ${inert(s)}\n`;
    if (r.after.summary.findings) out += renderSnapshotText(r.after, { paint, width });
  }
  if (r.plan.intent.kind === 'shutdown' && r.completed) out += 'cleanup completed\n';
  return out;
}

export const textFormat: OutputFormat = {
  name: 'text',
  snapshot: (snap, { paint, width }) => renderSnapshotText(snap, { paint, width }),
  report: reportText,
};
