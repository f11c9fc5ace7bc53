// STUB (V1, issue 15): the Prometheus exposition is V2's file; this keeps its signature so --serve
// can serve /metrics until it lands. The lead takes V2's file at the merge.

import type { Outcome } from '../../model/outcome.js';
import type { Snapshot } from '../../model/types.js';

export interface MetricsInput {
  snapshot: Snapshot;
  tickMs: number | null;
  tickAt: number | null;
  acts: Record<Outcome, number>;
  historyBytes: number | null;
}

export async function renderMetrics(_input: MetricsInput): Promise<{ contentType: string; text: string }> {
  return { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: '' };
}
