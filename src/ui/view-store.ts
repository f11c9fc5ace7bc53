// The console's view state: which panel, which row is selected (by id, so it survives refreshes),
// sort, filter, expansion, scope, and which overlay owns the keys. A zustand vanilla store beside the
// app store (src/store/store.ts), which holds what the world looks like; this one holds only how the
// person looks at it. Pure: nothing here reads the world or acts on it.

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Plan } from '../model/plan.js';
import type { Tone } from '../render/theme.js';
import { PANEL_SPECS, PANELS, type PanelId, type ViewParams } from './panels.js';

export type Overlay =
  | { kind: 'help'; scroll: number }
  | { kind: 'confirm'; plan: Plan; scroll: number }
  /** q while an action runs: quitting cancels it. */
  | { kind: 'quit-running'; scroll: number };

export interface Selection {
  id: string;
  /** What the row was, for a message when it is gone ("session $3 agent_x"). */
  label: string;
}

export interface Flash {
  text: string;
  tone: Tone;
  at: number;
}

export interface ViewState {
  panel: PanelId;
  params: Record<PanelId, ViewParams>;
  /** The row the person is on, by id; null until a table first has rows. */
  selected: Record<PanelId, Selection | null>;
  /** Where the cursor was drawn last, to keep it in place when its row vanishes. */
  cursor: Record<PanelId, number>;
  expanded: Record<PanelId, string | null>;
  /** Processes panel: one session's tree (its id), or every agent process (null). */
  scope: string | null;
  overlay: Overlay | null;
  filterEditing: boolean;
  flash: Flash | null;

  setPanel(panel: PanelId): void;
  cyclePanel(delta: 1 | -1): void;
  /** Moves by `delta` rows (clamped) over the rows now shown. */
  move(delta: number, ids: string[], labels: (id: string) => string): void;
  moveTo(index: number, ids: string[], labels: (id: string) => string): void;
  /** Takes the first row when nothing is selected yet (so the selection then follows it by id). */
  adopt(id: string, label: string): void;
  noteCursor(index: number): void;
  toggleExpand(id: string): void;
  setScope(sessionId: string | null): void;
  cycleSort(): void;
  toggleReverse(): void;
  startFilter(): void;
  typeFilter(text: string): void;
  eraseFilter(): void;
  applyFilter(): void;
  clearFilter(): void;
  openHelp(): void;
  openConfirm(plan: Plan): void;
  openQuitRunning(): void;
  scrollOverlay(delta: number, max: number): void;
  closeOverlay(): void;
  say(text: string, tone?: Tone, at?: number): void;
  clearFlash(): void;
}

const perPanel = <T>(make: (id: PanelId) => T): Record<PanelId, T> => Object.fromEntries(PANELS.map((p) => [p.id, make(p.id)])) as Record<PanelId, T>;

export function createViewStore(initial: Partial<Pick<ViewState, 'panel'>> = {}): StoreApi<ViewState> {
  return createStore<ViewState>()((set, get) => {
    const params = () => get().params[get().panel];
    const setParams = (p: Partial<ViewParams>) => set({ params: { ...get().params, [get().panel]: { ...params(), ...p } } });
    const select = (ids: string[], index: number, labels: (id: string) => string) => {
      if (!ids.length) return;
      const i = Math.max(0, Math.min(ids.length - 1, index));
      const id = ids[i]!;
      const { panel } = get();
      set({ selected: { ...get().selected, [panel]: { id, label: labels(id) } }, cursor: { ...get().cursor, [panel]: i } });
    };
    return {
      panel: initial.panel ?? 'sessions',
      params: perPanel(() => ({ sort: 0, reverse: false, filter: '' })),
      selected: perPanel(() => null),
      cursor: perPanel(() => 0),
      expanded: perPanel(() => null),
      scope: null,
      overlay: null,
      filterEditing: false,
      flash: null,

      setPanel(panel) {
        set({ panel, filterEditing: false });
      },
      cyclePanel(delta) {
        const i = PANELS.findIndex((p) => p.id === get().panel);
        get().setPanel(PANELS[(i + delta + PANELS.length) % PANELS.length]!.id);
      },
      move(delta, ids, labels) {
        const { panel, selected, cursor } = get();
        const sel = selected[panel];
        const at = sel ? ids.indexOf(sel.id) : Math.min(cursor[panel], ids.length - 1);
        // From a vanished row, move from where its cursor was drawn: that row took its place, so
        // down lands on it and up on the one before.
        select(ids, (at >= 0 ? at : Math.min(cursor[panel], ids.length - 1) - (delta > 0 ? 1 : 0)) + delta, labels);
      },
      moveTo(index, ids, labels) {
        select(ids, index < 0 ? ids.length + index : index, labels);
      },
      adopt(id, label) {
        const { panel, selected } = get();
        if (!selected[panel]) set({ selected: { ...selected, [panel]: { id, label } } });
      },
      noteCursor(index) {
        const { panel, cursor } = get();
        if (cursor[panel] !== index) set({ cursor: { ...cursor, [panel]: index } });
      },
      toggleExpand(id) {
        const { panel, expanded } = get();
        set({ expanded: { ...expanded, [panel]: expanded[panel] === id ? null : id } });
      },
      setScope(scope) {
        set({ scope });
      },
      cycleSort() {
        const spec = PANEL_SPECS[get().panel];
        setParams({ sort: (params().sort + 1) % spec.sorts.length, reverse: false });
      },
      toggleReverse() {
        setParams({ reverse: !params().reverse });
      },
      startFilter() {
        set({ filterEditing: true });
      },
      typeFilter(text) {
        setParams({ filter: params().filter + text });
      },
      eraseFilter() {
        setParams({ filter: params().filter.slice(0, -1) });
      },
      applyFilter() {
        set({ filterEditing: false });
      },
      clearFilter() {
        setParams({ filter: '' });
        set({ filterEditing: false });
      },
      openHelp() {
        set({ overlay: { kind: 'help', scroll: 0 } });
      },
      openConfirm(plan) {
        set({ overlay: { kind: 'confirm', plan, scroll: 0 } });
      },
      openQuitRunning() {
        set({ overlay: { kind: 'quit-running', scroll: 0 } });
      },
      scrollOverlay(delta, max) {
        const o = get().overlay;
        if (!o) return;
        set({ overlay: { ...o, scroll: Math.max(0, Math.min(max, o.scroll + delta)) } });
      },
      closeOverlay() {
        set({ overlay: null });
      },
      say(text, tone = 'dim', at = Date.now()) {
        set({ flash: { text, tone, at } });
      },
      clearFlash() {
        if (get().flash) set({ flash: null });
      },
    };
  });
}

/** Where the cursor is among the rows shown: on the selected row, or — when that row is gone — at
 *  the place it was, marked `lost` (a destructive key then refuses instead of taking a neighbour). */
export function resolveCursor(ids: string[], selected: Selection | null, lastIndex: number): { index: number; lost: Selection | null } {
  if (!ids.length) return { index: -1, lost: selected };
  if (!selected) return { index: 0, lost: null };
  const at = ids.indexOf(selected.id);
  if (at >= 0) return { index: at, lost: null };
  return { index: Math.max(0, Math.min(lastIndex, ids.length - 1)), lost: selected };
}
