// The key table, table-driven: for each command, keys that must match it and keys that must not, in
// the context that owns the keys. The help screen is generated from the same table.
import { describe, expect, it } from 'vitest';
import type { Key } from 'ink';
import { BINDINGS, Command, commandFor, helpRows, type KeyContext } from '../src/ui/keys.js';

const NONE: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};
/** A key press as Ink reports it: a character, or a named key with modifiers. */
const k = (input: string, flags: Partial<Key> = {}) => ({ input, key: { ...NONE, ...flags } });
const ch = (c: string) => k(c, c !== c.toLowerCase() ? { shift: true } : {});
const named = (name: keyof Key, more: Partial<Key> = {}) => k('', { [name]: true, ...more });
const ctrl = (c: string) => k(c, { ctrl: true });

type Case = [Command, KeyContext, ReturnType<typeof k>[], ReturnType<typeof k>[]];
const CASES: Case[] = [
  [Command.Up, 'main', [named('upArrow'), ch('k')], [ch('K'), named('downArrow'), ch('j')]],
  [Command.Down, 'main', [named('downArrow'), ch('j')], [ch('J'), named('upArrow')]],
  [Command.PageDown, 'main', [named('pageDown'), ctrl('f')], [ch('f')]],
  [Command.Top, 'main', [named('home'), ch('g')], [ch('G')]],
  [Command.Bottom, 'main', [named('end'), ch('G')], [ch('g')]],
  [Command.NextPanel, 'main', [named('tab'), named('rightArrow')], [named('tab', { shift: true })]],
  [Command.PrevPanel, 'main', [named('tab', { shift: true }), named('leftArrow')], [named('tab')]],
  [Command.Panel1, 'main', [ch('1')], [ch('!')]],
  [Command.Panel5, 'main', [ch('5')], [ch('6')]],
  [Command.Expand, 'main', [named('return')], [ch('e'), ch('\r')]],
  [Command.Filter, 'main', [ch('/')], [ch('?')]],
  [Command.Sort, 'main', [ch('s')], [ch('S'), ctrl('s')]],
  [Command.KillSession, 'main', [ch('x')], [ch('X'), ctrl('x')]],
  [Command.KillOrphans, 'main', [ch('K')], [ch('k')]],
  [Command.ReapZombies, 'main', [ch('z')], [ch('Z')]],
  [Command.Shutdown, 'main', [ch('S')], [ch('s')]],
  [Command.CancelAction, 'main', [ch('c')], [ctrl('c'), ch('C')]],
  [Command.Pause, 'main', [ch('p'), ch(' ')], [ch('P')]],
  [Command.Faster, 'main', [ch('+'), ch('=')], [ch('-')]],
  [Command.Slower, 'main', [ch('-')], [ch('+')]],
  [Command.Refresh, 'main', [ctrl('l')], [ch('l')]],
  [Command.Back, 'main', [named('escape')], [ch('b')]],
  [Command.Help, 'main', [ch('?'), ch('h')], [named('escape')]],
  [Command.Quit, 'main', [ch('q'), ctrl('c')], [ch('Q'), ch('c'), named('escape')]],
  [Command.Quit, 'help', [ch('q'), ctrl('c')], []],
  [Command.Up, 'help', [named('upArrow'), ch('k')], []],
  [Command.Confirm, 'confirm', [ch('y'), ch('Y')], [named('return'), ch(' '), ch('x')]],
  [Command.Deny, 'confirm', [ch('n'), named('escape'), ch('q'), ctrl('c')], [ch('y')]],
  [Command.PageDown, 'confirm', [named('pageDown'), ch(' ')], []],
  [Command.FilterApply, 'filter', [named('return')], [ch('a')]],
  [Command.FilterClear, 'filter', [named('escape'), ctrl('c')], [ch('q')]],
  [Command.FilterErase, 'filter', [named('backspace'), named('delete')], []],
];

describe('the key table', () => {
  it.each(CASES)('%s in %s: its keys match it, the others do not', (command, context, yes, no) => {
    for (const p of yes) expect(commandFor(context, p.input, p.key), `${JSON.stringify(p.input)} ${JSON.stringify(p.key)}`).toBe(command);
    for (const p of no) expect(commandFor(context, p.input, p.key), `${JSON.stringify(p.input)}`).not.toBe(command);
  });

  it('a destructive key does nothing in a dialog, and y means nothing outside one', () => {
    for (const c of ['x', 'K', 'z', 'S']) {
      expect(commandFor('confirm', c, { ...NONE, shift: c !== c.toLowerCase() })).toBeNull();
      expect(commandFor('filter', c, NONE)).toBeNull(); // typed into the filter instead
    }
    expect(commandFor('main', 'y', NONE)).toBeNull();
  });

  it('printable keys in the filter line are not commands (so "q" and "K" can be searched for)', () => {
    for (const c of 'qKxzS/?jk') expect(commandFor('filter', c, NONE)).toBeNull();
  });

  it('every command has a binding, and every destructive one asks first', () => {
    const bound = new Set(BINDINGS.map((b) => b.command));
    for (const c of Object.values(Command)) expect(bound.has(c), c).toBe(true);
    const destructive = BINDINGS.filter((b) => b.destructive).map((b) => b.command).sort();
    expect(destructive).toEqual([Command.KillOrphans, Command.KillSession, Command.ReapZombies, Command.Shutdown].sort());
  });

  it('no key means two commands in one context', () => {
    const seen = new Map<string, Command>();
    for (const b of BINDINGS)
      for (const ctx of b.contexts)
        for (const key of b.keys) {
          const id = `${ctx}:${JSON.stringify(key)}`;
          if (seen.has(id)) expect(seen.get(id), id).toBe(b.command);
          seen.set(id, b.command);
        }
  });

  it('the help screen is the table: every binding not folded into another row is listed', () => {
    const rows = helpRows();
    for (const b of BINDINGS.filter((x) => !x.hidden)) expect(rows).toContainEqual({ group: b.group, label: b.label, description: b.description });
    expect(rows.map((r) => r.label)).toEqual(expect.arrayContaining(['x', 'K', 'z', 'S', '? h', 'q Ctrl-C', 'y', 'n Esc']));
  });
});

it('the help screen lists each group once, in the table order', () => {
  const groups = helpRows().map((r) => r.group);
  const runs = groups.filter((g, i) => g !== groups[i - 1]);
  expect(runs).toEqual([...new Set(groups)]);
});
