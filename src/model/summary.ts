// The snapshot's summary: one count per kind of finding (from the table in findings.ts), the total of
// findings, and the counts that are listed but are not findings. Pure.

import { countFindings, type FindingLists } from './findings.js';
import type { Snapshot, Summary } from './types.js';

export function summarize(lists: FindingLists & Pick<Snapshot, 'strays' | 'processes'>): Summary {
  const counts = countFindings(lists);
  const findings = Object.values(counts).reduce((a, b) => a + b, 0);
  // The JSON document's key order predates the table; a kind added later lands after fdGrowth.
  const { orphans, zombies, leaked, ghosts, fdGrowth, ...later } = counts;
  return {
    sessions: lists.sessions.length,
    orphans,
    zombies,
    zombiesOther: lists.zombies.length - zombies,
    leaked,
    strays: lists.strays.length,
    ghosts,
    fdGrowth,
    ...later,
    processes: lists.processes.length,
    findings,
  };
}
