// What a cleanup could not remove, as the look after it sees it: the sessions and orchestrator the
// plan named, then every kind of finding the plan's intent covers (FINDINGS[kind].remains), so K does
// not answer for zombies it never promised to reap. Pure: a plan and a snapshot in, lines out.

import { FINDING_KINDS, findingSpec } from './findings.js';
import type { Plan } from './plan.js';
import type { Snapshot } from './types.js';

export function remainingAfter(plan: Plan, after: Snapshot): string[] {
  const kind = plan.intent.kind;
  const planned = new Set(plan.steps.flatMap((s) => (s.kind === 'session' ? [s.session.id] : [])));
  const out: string[] = [];
  if (kind === 'shutdown' || kind === 'kill-session') {
    for (const s of after.sessions) if (planned.has(s.id)) out.push(`session ${s.id} ${s.name} is still there`);
  }
  if (kind === 'shutdown') {
    const orch = plan.steps.find((s) => s.kind === 'orchestrator');
    const root = orch?.kind === 'orchestrator' ? orch.processes[0] : undefined;
    if (root && after.orchestrators.some((o) => o.pid === root.pid && o.startTime === root.startTime))
      out.push(`the orchestrator (pid ${root.pid}) is still running`);
  }
  for (const k of FINDING_KINDS) {
    const r = findingSpec(k).remains;
    const coverage = r?.coveredBy[kind];
    if (!r || !coverage) continue;
    for (const x of findingSpec(k).items(after)) {
      if (coverage === 'planned-sessions') {
        const sid = r.sessionOf(x);
        if (sid === null || !planned.has(sid)) continue;
      }
      out.push(r.line(x));
    }
  }
  return out;
}
