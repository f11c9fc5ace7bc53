// Every panel's rows, each rebuilt only when what it is made of changes: the snapshot (and, for the
// processes panel, the scope), or — for the log panel alone — the events. A log line, a key or the
// clock builds nothing.

import { useMemo } from 'react';
import type { Snapshot } from '../model/types.js';
import type { LogEvent } from '../store/store.js';
import { PANEL_SPECS, type PanelId, type RowsCtx } from './panels.js';

const NO_EVENTS: LogEvent[] = [];

export function usePanelRows(snap: Snapshot | null, events: LogEvent[], scope: string | null): Record<PanelId, unknown[]> {
  const fromSnap = useMemo(() => {
    if (!snap) return { sessions: [], zombies: [], descriptors: [] };
    const ctx = { snap, events: NO_EVENTS, scope: null };
    return { sessions: PANEL_SPECS.sessions.rows(ctx), zombies: PANEL_SPECS.zombies.rows(ctx), descriptors: PANEL_SPECS.descriptors.rows(ctx) };
  }, [snap]);
  const processes = useMemo(() => (snap ? PANEL_SPECS.processes.rows({ snap, events: NO_EVENTS, scope }) : []), [snap, scope]);
  // The log panel's rows need no snapshot, but the console shows none before the first look.
  const looked = snap !== null;
  const log = useMemo(() => (looked ? PANEL_SPECS.log.rows({ events } as RowsCtx) : []), [looked, events]);
  return useMemo(() => ({ ...fromSnap, processes, log }), [fromSnap, processes, log]);
}
