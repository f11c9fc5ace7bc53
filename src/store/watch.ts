// Turns changes between snapshots into event-log lines, so the console's log tells what appeared and
// what went: every kind of finding (its lines are in model/findings.ts), degraded conditions (a
// problem line once when it starts, once when it clears) and orchestrators coming and going. Pure
// diffing; the store does the rest.

import type { StoreApi } from 'zustand/vanilla';
import { FINDING_KINDS, findingSpec, shownKinds } from '../model/findings.js';
import type { Snapshot } from '../model/types.js';
import type { AppState, EventLevel } from './store.js';

type Change = { level: EventLevel; text: string };

function diff<T>(a: T[], b: T[], key: (x: T) => string): { added: T[]; removed: T[] } {
  const before = new Set(a.map(key));
  const after = new Set(b.map(key));
  return { added: b.filter((x) => !before.has(key(x))), removed: a.filter((x) => !after.has(key(x))) };
}

function firstLook(next: Snapshot): Change[] {
  const s = next.summary;
  const tallies = shownKinds(s).map((k) => `${s[k]} ${findingSpec(k).log.tally}`);
  return [
    { level: s.findings ? 'warn' : 'info', text: `first look: ${s.sessions} agent sessions, ${tallies.join(', ')}` },
    ...next.errors.map((e) => ({ level: 'warn' as const, text: e })),
  ];
}

function findingChanges(prev: Snapshot, next: Snapshot): Change[] {
  const out: Change[] = [];
  for (const k of FINDING_KINDS) {
    const { items, log } = findingSpec(k);
    const d = diff(items(prev), items(next), log.identity);
    for (const text of log.appeared?.(d.added) ?? []) out.push({ level: 'warn', text });
    for (const text of log.cleared?.(d.removed, next) ?? []) out.push({ level: 'info', text });
  }
  return out;
}

export function snapshotChanges(prev: Snapshot | null, next: Snapshot): Change[] {
  if (!prev) return firstLook(next);
  const out = findingChanges(prev, next);
  const errors = diff(prev.errors, next.errors, (e) => e);
  for (const e of errors.added) out.push({ level: 'warn', text: e });
  for (const e of errors.removed) out.push({ level: 'info', text: `cleared: ${e}` });
  const orch = diff(
    prev.orchestrators.filter((o) => o.running),
    next.orchestrators.filter((o) => o.running),
    (o) => `${o.pid}:${o.startTime}`,
  );
  for (const o of orch.added) out.push({ level: 'info', text: `orchestrator pid ${o.pid} is up${o.project ? ` (${o.project})` : ''}` });
  for (const o of orch.removed) out.push({ level: 'warn', text: `orchestrator pid ${o.pid} is down` });
  return out;
}

/** Logs every change the store's snapshots show; returns the unsubscribe. */
export function watchSnapshots(store: StoreApi<AppState>): () => void {
  return store.subscribe((state, prev) => {
    if (state.snapshot === prev.snapshot || !state.snapshot) return;
    for (const c of snapshotChanges(prev.snapshot, state.snapshot)) state.log(c.level, c.text);
  });
}
