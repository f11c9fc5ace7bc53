// Turns changes between snapshots into event-log lines, so the console's log tells what appeared and
// what went: orphan sessions, leaked processes, zombies, descriptor leaks, and degraded conditions
// (a problem line once when it starts, once when it clears). Pure diffing; the store does the rest.

import type { StoreApi } from 'zustand/vanilla';
import type { Snapshot } from '../model/types.js';
import type { AppState, EventLevel } from './store.js';

export function snapshotChanges(prev: Snapshot | null, next: Snapshot): { level: EventLevel; text: string }[] {
  const out: { level: EventLevel; text: string }[] = [];
  if (!prev) {
    const s = next.summary;
    out.push({ level: s.findings ? 'warn' : 'info', text: `first look: ${s.sessions} agent sessions, ${s.orphans} orphans, ${s.leaked} leaked, ${s.zombies} zombies, ${s.ghosts} ghosts, ${s.fdGrowth} descriptor leaks` });
    for (const e of next.errors) out.push({ level: 'warn', text: e });
    return out;
  }
  const diff = <T>(a: T[], b: T[], key: (x: T) => string) => {
    const before = new Set(a.map(key));
    const after = new Set(b.map(key));
    return { added: b.filter((x) => !before.has(key(x))), removed: a.filter((x) => !after.has(key(x))) };
  };
  const orphans = diff(prev.sessions.filter((s) => s.status === 'orphan'), next.sessions.filter((s) => s.status === 'orphan'), (s) => s.id);
  for (const s of orphans.added) out.push({ level: 'warn', text: `orphan: session ${s.id} ${s.name} (${s.reason})` });
  const gone = new Set(next.sessions.map((s) => s.id));
  for (const s of orphans.removed) out.push({ level: 'info', text: gone.has(s.id) ? `session ${s.id} ${s.name} is no longer an orphan` : `session ${s.id} ${s.name} is gone` });
  const leaked = diff(prev.leaked, next.leaked, (l) => `${l.pid}:${l.startTime}`);
  for (const l of leaked.added) out.push({ level: 'warn', text: `leaked: pid ${l.pid} ${l.command} (${l.reason})` });
  const zombies = diff(prev.zombies.filter((z) => z.parentInScope), next.zombies.filter((z) => z.parentInScope), (z) => `${z.pid}:${z.startTime}`);
  if (zombies.added.length) out.push({ level: 'warn', text: `${zombies.added.length} new zombie${zombies.added.length === 1 ? '' : 's'} in scope (pids ${zombies.added.map((z) => z.pid).join(', ')})` });
  const growth = diff(prev.fds.filter((f) => f.growth), next.fds.filter((f) => f.growth), (f) => `${f.pid}:${f.startTime}`);
  for (const f of growth.added) out.push({ level: 'warn', text: `descriptor leak: pid ${f.pid} ${f.command} at ${f.count} (+${f.slopePerMin?.toFixed(1) ?? '?'}/min)` });
  const errors = diff(prev.errors, next.errors, (e) => e);
  for (const e of errors.added) out.push({ level: 'warn', text: e });
  for (const e of errors.removed) out.push({ level: 'info', text: `cleared: ${e}` });
  const orch = diff(prev.orchestrators.filter((o) => o.running), next.orchestrators.filter((o) => o.running), (o) => `${o.pid}:${o.startTime}`);
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
