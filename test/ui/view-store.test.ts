// The view state (src/ui/view-store.ts): the selection is an id, so it follows its row through
// refreshes; a row that vanished leaves the cursor where it was, marked lost, and moving starts from
// there; each panel keeps its own sort, filter, selection and expansion.
import { describe, expect, it } from 'vitest';
import { PANELS } from '../../src/ui/panels.js';
import { createViewStore, resolveCursor, type Selection } from '../../src/ui/view-store.js';
import { makePlan } from '../../src/model/plan.js';
import { makeSnapshot } from '../helpers/snapshot.js';

const label = (id: string) => `row ${id}`;
const sel = (id: string): Selection => ({ id, label: label(id) });

/** A view store, and the cursor as the console would draw it over `rows` (noting it like Console does). */
function screen(initial: string[]) {
  const v = createViewStore();
  let rows = initial;
  const draw = () => {
    const s = v.getState();
    const r = resolveCursor(rows, s.selected[s.panel], s.cursor[s.panel]);
    if (!s.selected[s.panel] && rows.length) s.adopt(rows[0]!, label(rows[0]!));
    else if (!r.lost && r.index >= 0) s.noteCursor(r.index);
    return r;
  };
  draw();
  return {
    v,
    draw,
    refresh(next: string[]) {
      rows = next;
      return draw();
    },
    move(delta: number) {
      v.getState().move(delta, rows, label);
      return draw();
    },
    at: () => rows[draw().index] ?? null,
  };
}

describe('resolveCursor', () => {
  it.each([
    ['no rows, nothing selected', [], null, 0, { index: -1, lost: null }],
    ['no rows, a selection: it is lost', [], sel('b'), 1, { index: -1, lost: sel('b') }],
    ['nothing selected: the first row', ['a', 'b'], null, 1, { index: 0, lost: null }],
    ['the selected row, wherever it is now', ['c', 'a', 'b'], sel('b'), 0, { index: 2, lost: null }],
    ['a vanished row: where the cursor was', ['a', 'c'], sel('b'), 1, { index: 1, lost: sel('b') }],
    ['a vanished last row: the new last place', ['a', 'b'], sel('c'), 2, { index: 1, lost: sel('c') }],
  ] as const)('%s', (_, rows, selected, last, want) => {
    expect(resolveCursor([...rows], selected, last)).toEqual(want);
  });
});

describe('the selection across refreshes', () => {
  it('the first row is adopted, then followed by id when rows reorder', () => {
    const s = screen(['a', 'b', 'c']);
    expect(s.v.getState().selected.sessions).toEqual(sel('a'));
    s.move(1); // b
    expect(s.refresh(['c', 'a', 'b'])).toEqual({ index: 2, lost: null });
    expect(s.refresh(['b', 'c', 'a', 'd'])).toEqual({ index: 0, lost: null });
    expect(s.v.getState().cursor.sessions).toBe(0);
  });

  it('adopt never replaces a selection', () => {
    const v = createViewStore();
    v.getState().adopt('a', 'row a');
    v.getState().adopt('b', 'row b');
    expect(v.getState().selected.sessions).toEqual(sel('a'));
  });

  it('a vanished row stays lost while others come and go, and comes back found', () => {
    const s = screen(['a', 'b', 'c']);
    s.move(1); // b at 1
    expect(s.refresh(['a', 'c'])).toEqual({ index: 1, lost: sel('b') });
    expect(s.refresh(['x', 'a', 'c'])).toEqual({ index: 1, lost: sel('b') }); // still where it was drawn
    expect(s.v.getState().selected.sessions).toEqual(sel('b'));
    expect(s.refresh(['x', 'a', 'c', 'b'])).toEqual({ index: 3, lost: null });
  });

  it('from a lost row, down lands on the row that took its place, up on the one before', () => {
    const down = screen(['a', 'b', 'c', 'd']);
    down.move(2); // c at 2
    down.refresh(['a', 'b', 'd']);
    down.move(1);
    expect(down.at()).toBe('d');

    const up = screen(['a', 'b', 'c', 'd']);
    up.move(2);
    up.refresh(['a', 'b', 'd']);
    up.move(-1);
    expect(up.at()).toBe('b');
  });

  it('from a lost last row, moving stays in the table', () => {
    const s = screen(['a', 'b', 'c']);
    s.move(2); // c, the last
    expect(s.refresh(['a', 'b'])).toEqual({ index: 1, lost: sel('c') });
    s.move(1);
    expect(s.at()).toBe('b');
    s.refresh(['a', 'b', 'c']);
    s.move(2);
    s.refresh(['a', 'b']);
    s.move(-1);
    expect(s.at()).toBe('a');
  });

  it('when every row is gone, moving does nothing and the lost selection stays', () => {
    const s = screen(['a', 'b']);
    s.move(1);
    expect(s.refresh([])).toEqual({ index: -1, lost: sel('b') });
    s.move(1);
    expect(s.v.getState().selected.sessions).toEqual(sel('b'));
  });

  it('moves clamp at both ends; moveTo(-1) is the last row', () => {
    const s = screen(['a', 'b', 'c']);
    s.move(-10);
    expect(s.at()).toBe('a');
    s.move(10);
    expect(s.at()).toBe('c');
    s.v.getState().moveTo(0, ['a', 'b', 'c'], label);
    expect(s.at()).toBe('a');
    s.v.getState().moveTo(-1, ['a', 'b', 'c'], label);
    expect(s.at()).toBe('c');
  });
});

describe('per panel', () => {
  it('each panel keeps its own sort, reverse, filter, selection, cursor and expansion', () => {
    const v = createViewStore();
    const s = () => v.getState();
    s().cycleSort();
    s().toggleReverse();
    s().typeFilter('x');
    s().moveTo(1, ['a', 'b'], label);
    s().toggleExpand('b');
    s().setPanel('zombies');
    expect(s().params.zombies).toEqual({ sort: 0, reverse: false, filter: '' });
    expect(s().selected.zombies).toBeNull();
    expect(s().expanded.zombies).toBeNull();
    s().setPanel('sessions');
    expect(s().params.sessions).toEqual({ sort: 1, reverse: true, filter: 'x' });
    expect(s().selected.sessions).toEqual(sel('b'));
    expect(s().cursor.sessions).toBe(1);
    expect(s().expanded.sessions).toBe('b');
  });

  it("s cycles through the panel's orders and back, and a new order is not reversed", () => {
    const v = createViewStore({ panel: 'zombies' });
    const n = 4; // zombies: scope, age, pid, parent
    v.getState().toggleReverse();
    v.getState().cycleSort();
    expect(v.getState().params.zombies).toMatchObject({ sort: 1, reverse: false });
    for (let i = 1; i < n; i++) v.getState().cycleSort();
    expect(v.getState().params.zombies.sort).toBe(0);
  });

  it('Tab cycles through the five panels both ways', () => {
    const v = createViewStore();
    const seen = [v.getState().panel];
    for (let i = 0; i < PANELS.length; i++) {
      v.getState().cyclePanel(1);
      seen.push(v.getState().panel);
    }
    expect(seen).toEqual([...PANELS.map((p) => p.id), 'sessions']);
    v.getState().cyclePanel(-1);
    expect(v.getState().panel).toBe('log');
  });

  it('Enter toggles: the same row collapses, another row moves the expansion', () => {
    const v = createViewStore();
    v.getState().toggleExpand('a');
    v.getState().toggleExpand('b');
    expect(v.getState().expanded.sessions).toBe('b');
    v.getState().toggleExpand('b');
    expect(v.getState().expanded.sessions).toBeNull();
  });
});

describe('the filter line and the overlays', () => {
  it('typing, erasing, keeping, clearing; switching panels stops editing', () => {
    const v = createViewStore();
    const s = () => v.getState();
    s().startFilter();
    for (const c of 'orph') s().typeFilter(c);
    s().eraseFilter();
    expect(s().params.sessions.filter).toBe('orp');
    expect(s().filterEditing).toBe(true);
    s().applyFilter();
    expect(s()).toMatchObject({ filterEditing: false, params: { sessions: { filter: 'orp' } } });
    s().startFilter();
    s().setPanel('processes');
    expect(s().filterEditing).toBe(false);
    s().setPanel('sessions');
    s().clearFilter();
    expect(s().params.sessions.filter).toBe('');
    s().eraseFilter(); // nothing to erase
    expect(s().params.sessions.filter).toBe('');
  });

  it('a dialog holds its plan; scrolling clamps to [0, max]; help and dialogs replace each other', () => {
    const v = createViewStore();
    const plan = makePlan(makeSnapshot(), { kind: 'kill-orphans' }, { graceMs: 5_000, server: {} });
    v.getState().openConfirm(plan);
    const o = v.getState().overlay;
    expect(o?.kind === 'confirm' && o.plan).toBe(plan);
    v.getState().scrollOverlay(-3, 4);
    expect(v.getState().overlay?.scroll).toBe(0);
    v.getState().scrollOverlay(10, 4);
    expect(v.getState().overlay?.scroll).toBe(4);
    v.getState().openHelp();
    expect(v.getState().overlay).toEqual({ kind: 'help', scroll: 0 });
    v.getState().closeOverlay();
    v.getState().scrollOverlay(1, 4); // no overlay: nothing
    expect(v.getState().overlay).toBeNull();
  });

  it('a message is said with a tone and a time, and cleared', () => {
    const v = createViewStore();
    v.getState().say('hello', 'warn', 5);
    expect(v.getState().flash).toEqual({ text: 'hello', tone: 'warn', at: 5 });
    v.getState().clearFlash();
    expect(v.getState().flash).toBeNull();
  });
});
