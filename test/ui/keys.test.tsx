// The key table against the keys Ink actually reports. Each byte sequence a terminal sends is run
// through Ink's own input parsing once (a probe component with useInput), so the tests see the flags
// Ink sets — Esc comes with meta, Shift-Tab with tab+shift, Ctrl-C as input "c" with ctrl, "K" with
// shift, Backspace (DEL) as delete — not flags a test made up. Then, table-driven: in each context,
// the command each key must mean, and the commands it must not.
import { useInput, type Key } from 'ink';
import { render } from 'ink-testing-library';
import { act } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { BINDINGS, Command, commandFor, helpRows, keyLabel, type KeyContext, type KeySpec } from '../../src/ui/keys.js';

/** What a terminal sends for a named key. */
const NAMED: Record<NonNullable<KeySpec['name']>, string> = {
  upArrow: '\u001b[A',
  downArrow: '\u001b[B',
  rightArrow: '\u001b[C',
  leftArrow: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  return: '\r',
  escape: '\u001b',
  tab: '\t',
  backspace: '\b',
  delete: '\u001b[3~',
};
const SHIFT_TAB = '\u001b[Z';
const DEL = '\u007f'; // what the Backspace key sends on most terminals
const ctrl = (c: string) => String.fromCharCode(c.toUpperCase().charCodeAt(0) & 0x1f);
const alt = (c: string) => `\u001b${c}`;

/** The bytes of one binding's key. */
function bytesOf(spec: KeySpec): string {
  if (spec.name) return spec.name === 'tab' && spec.shift ? SHIFT_TAB : NAMED[spec.name];
  return spec.ctrl ? ctrl(spec.input!) : spec.input!;
}

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const EXTRA = [SHIFT_TAB, DEL, ...Object.values(NAMED), ...'abcdefghijklmnopqrstuvwxyz'.split('').map(ctrl), alt('k'), alt('j'), alt('q'), alt('x')];

/** Every sequence this file uses, as Ink parses it. */
const parsed = new Map<string, { input: string; key: Key }>();
const ink = (bytes: string) => {
  const p = parsed.get(bytes);
  if (!p) throw new Error(`not probed: ${JSON.stringify(bytes)}`);
  return p;
};
const cmd = (ctx: KeyContext, bytes: string) => commandFor(ctx, ink(bytes).input, ink(bytes).key);

beforeAll(async () => {
  const seen: { input: string; key: Key }[] = [];
  function Probe() {
    useInput((input, key) => {
      seen.push({ input, key });
    });
    return null;
  }
  let r!: ReturnType<typeof render>;
  await act(async () => {
    r = render(<Probe />);
  });
  const all = new Set([...PRINTABLE, ...EXTRA, ...BINDINGS.flatMap((b) => b.keys.map(bytesOf))]);
  for (const bytes of all) {
    seen.length = 0;
    await act(async () => {
      r.stdin.write(bytes);
      // A lone Esc waits one macrotask in Ink's parser (it may start a sequence).
      await new Promise((res) => setImmediate(res));
    });
    if (seen.length !== 1) throw new Error(`${JSON.stringify(bytes)} gave ${seen.length} key presses`);
    parsed.set(bytes, seen[0]!);
  }
  await act(async () => {
    r.unmount();
  });
});

describe('what Ink reports (the premises of the table)', () => {
  it('Esc has meta, Shift-Tab is tab+shift, Ctrl-C is "c"+ctrl, capitals have shift, DEL is delete', () => {
    expect(ink('\u001b').key).toMatchObject({ escape: true, meta: true });
    expect(ink(SHIFT_TAB).key).toMatchObject({ tab: true, shift: true });
    expect(ink('\t').key).toMatchObject({ tab: true, shift: false });
    expect(ink('\u0003')).toMatchObject({ input: 'c', key: { ctrl: true } });
    expect(ink('K')).toMatchObject({ input: 'K', key: { shift: true } });
    expect(ink(DEL).key).toMatchObject({ delete: true });
    expect(ink(alt('k'))).toMatchObject({ input: 'k', key: { meta: true } });
  });
});

type Expect = Partial<Record<KeyContext, Command | null>>;
/** [what, bytes, the command in each context listed (null: none)]. */
const TABLE: [string, string, Expect][] = [
  ['k', 'k', { main: Command.Up, help: Command.Up, confirm: Command.Up, filter: null }],
  ['K', 'K', { main: Command.KillOrphans, help: null, confirm: null, filter: null }],
  ['j', 'j', { main: Command.Down, help: Command.Down, confirm: Command.Down, filter: null }],
  ['J', 'J', { main: null }],
  ['↑', NAMED.upArrow, { main: Command.Up, help: Command.Up, confirm: Command.Up, filter: null }],
  ['↓', NAMED.downArrow, { main: Command.Down, help: Command.Down, confirm: Command.Down, filter: null }],
  ['PgUp', NAMED.pageUp, { main: Command.PageUp, help: Command.PageUp, confirm: Command.PageUp }],
  ['PgDn', NAMED.pageDown, { main: Command.PageDown, help: Command.PageDown, confirm: Command.PageDown }],
  ['Ctrl-F', ctrl('f'), { main: Command.PageDown, confirm: null }],
  ['f', 'f', { main: null }],
  ['Ctrl-B', ctrl('b'), { main: Command.PageUp }],
  ['b', 'b', { main: null }],
  ['Home', NAMED.home, { main: Command.Top }],
  ['End', NAMED.end, { main: Command.Bottom }],
  ['g', 'g', { main: Command.Top, filter: null }],
  ['G', 'G', { main: Command.Bottom, filter: null }],
  ['Tab', '\t', { main: Command.NextPanel, confirm: null, filter: null }],
  ['Shift-Tab', SHIFT_TAB, { main: Command.PrevPanel, confirm: null, filter: null }],
  ['→', NAMED.rightArrow, { main: Command.NextPanel }],
  ['←', NAMED.leftArrow, { main: Command.PrevPanel }],
  ['1', '1', { main: Command.Panel1, filter: null, confirm: null }],
  ['2', '2', { main: Command.Panel2 }],
  ['3', '3', { main: Command.Panel3 }],
  ['4', '4', { main: Command.Panel4 }],
  ['5', '5', { main: Command.Panel5 }],
  ['6', '6', { main: null }],
  ['!', '!', { main: null }],
  ['Enter', '\r', { main: Command.Expand, filter: Command.FilterApply, confirm: null, help: null }],
  ['a', 'a', { main: Command.Scope, filter: null }],
  ['/', '/', { main: Command.Filter, filter: null }],
  ['s', 's', { main: Command.Sort }],
  ['S', 'S', { main: Command.Shutdown, confirm: null }],
  ['Ctrl-S', ctrl('s'), { main: null }],
  ['r', 'r', { main: Command.Reverse }],
  ['R', 'R', { main: null }],
  ['Esc', '\u001b', { main: Command.Back, confirm: Command.Deny, filter: Command.FilterClear, help: null }],
  ['x', 'x', { main: Command.KillSession, confirm: null, filter: null, help: null }],
  ['X', 'X', { main: null }],
  ['z', 'z', { main: Command.ReapZombies, confirm: null }],
  ['Z', 'Z', { main: null }],
  ['c', 'c', { main: Command.CancelAction, confirm: null, filter: null, help: null }],
  ['C', 'C', { main: null }],
  ['Ctrl-C', '\u0003', { main: Command.Quit, help: Command.Quit, confirm: Command.Deny, filter: Command.FilterClear }],
  ['p', 'p', { main: Command.Pause }],
  ['P', 'P', { main: null }],
  ['Space', ' ', { main: Command.Pause, confirm: Command.PageDown, filter: null }],
  ['+', '+', { main: Command.Faster }],
  ['=', '=', { main: Command.Faster }],
  ['-', '-', { main: Command.Slower }],
  ['_', '_', { main: Command.Slower }],
  ['Ctrl-L', ctrl('l'), { main: Command.Refresh }],
  ['l', 'l', { main: null }],
  ['?', '?', { main: Command.Help, help: null, filter: null }],
  ['h', 'h', { main: Command.Help }],
  ['H', 'H', { main: null }],
  ['q', 'q', { main: Command.Quit, help: Command.Quit, confirm: Command.Deny, filter: null }],
  ['Q', 'Q', { main: null, confirm: null }],
  ['y', 'y', { main: null, help: null, filter: null, confirm: Command.Confirm }],
  ['Y', 'Y', { main: null, confirm: Command.Confirm }],
  ['n', 'n', { main: null, confirm: Command.Deny, filter: null }],
  ['N', 'N', { main: null, confirm: Command.Deny }],
  ['Backspace (DEL)', DEL, { filter: Command.FilterErase, main: null }],
  ['Ctrl-H (BS)', NAMED.backspace, { filter: Command.FilterErase }],
  ['Delete', NAMED.delete, { filter: Command.FilterErase, main: null }],
  ['Alt-k', alt('k'), { main: null, help: null, confirm: null }],
  ['Alt-j', alt('j'), { main: null }],
  ['Alt-q', alt('q'), { main: null, confirm: null }],
  ['Alt-x', alt('x'), { main: null }],
];

describe('the key table, with the keys as Ink reports them', () => {
  it.each(TABLE)('%s', (_, bytes, want) => {
    for (const [ctx, command] of Object.entries(want)) expect(cmd(ctx as KeyContext, bytes), `in ${ctx}`).toBe(command);
  });

  it('Ctrl-C is Quit and never CancelAction (c); c is never Quit', () => {
    for (const ctx of ['main', 'help', 'confirm', 'filter'] as const) {
      expect(cmd(ctx, '\u0003')).not.toBe(Command.CancelAction);
      expect(cmd(ctx, 'c')).not.toBe(Command.Quit);
    }
  });

  it("every key of every binding, sent as bytes, means that binding's command in each of its contexts", () => {
    for (const b of BINDINGS)
      for (const ctx of b.contexts)
        for (const spec of b.keys) expect(cmd(ctx, bytesOf(spec)), `${b.command} in ${ctx}: ${JSON.stringify(spec)}`).toBe(b.command);
  });

  it("a printable key only ever means a command bound to that very character (never a named key's)", () => {
    for (const ctx of ['main', 'help', 'confirm', 'filter'] as const)
      for (const c of PRINTABLE) {
        const got = cmd(ctx, c);
        if (got === null) continue;
        const bound = BINDINGS.some((b) => b.command === got && b.contexts.includes(ctx) && b.keys.some((k) => k.input === c && !k.ctrl && !k.name));
        expect(bound, `${JSON.stringify(c)} in ${ctx} means ${got}`).toBe(true);
      }
  });

  it('a named key only ever means a command bound to a named key', () => {
    for (const ctx of ['main', 'help', 'confirm', 'filter'] as const)
      for (const bytes of [...Object.values(NAMED), SHIFT_TAB, DEL]) {
        const got = cmd(ctx, bytes);
        if (got === null) continue;
        expect(
          BINDINGS.some((b) => b.command === got && b.contexts.includes(ctx) && b.keys.some((k) => k.name)),
          `${JSON.stringify(bytes)} in ${ctx}`,
        ).toBe(true);
      }
  });

  it('in the filter line no printable character is a command: all are text (q, K, x, / can be searched for)', () => {
    for (const c of PRINTABLE) expect(cmd('filter', c), JSON.stringify(c)).toBeNull();
  });

  it('in a dialog only y confirms, and no destructive key does anything', () => {
    const confirming = PRINTABLE.filter((c) => cmd('confirm', c) === Command.Confirm);
    expect(confirming.sort()).toEqual(['Y', 'y']);
    for (const b of BINDINGS.filter((x) => x.destructive)) for (const k of b.keys) expect(cmd('confirm', bytesOf(k))).toBeNull();
    // And y means nothing anywhere else.
    for (const ctx of ['main', 'help', 'filter'] as const) expect(cmd(ctx, 'y')).toBeNull();
  });
});

describe('the table itself', () => {
  it('every Command has at least one binding with at least one key', () => {
    for (const c of Object.values(Command))
      expect(
        BINDINGS.some((b) => b.command === c && b.keys.length > 0),
        c,
      ).toBe(true);
  });

  it('no key is bound to two commands in one context', () => {
    const owner = new Map<string, Command>();
    for (const b of BINDINGS)
      for (const ctx of b.contexts)
        for (const k of b.keys) {
          const id = `${ctx} ${bytesOf(k)}`;
          expect(owner.get(id) ?? b.command, id).toBe(b.command);
          owner.set(id, b.command);
        }
  });

  it('the destructive commands are exactly the four that act, and all live in the main context only', () => {
    const d = BINDINGS.filter((b) => b.destructive);
    expect(d.map((b) => b.command).sort()).toEqual([Command.KillOrphans, Command.KillSession, Command.ReapZombies, Command.Shutdown].sort());
    for (const b of d) expect(b.contexts).toEqual(['main']);
  });

  it('the help rows are the table: every binding not hidden, in table order, nothing else', () => {
    const visible = BINDINGS.filter((b) => !b.hidden).map((b) => ({ group: b.group, label: b.label, description: b.description }));
    expect(helpRows()).toEqual(visible);
  });

  it('a hidden binding is folded into a visible row of its group that names its key', () => {
    for (const b of BINDINGS.filter((x) => x.hidden)) {
      const rows = helpRows().filter((r) => r.group === b.group);
      // "1-5" names 2..5; "↑ ↓ PgUp PgDn" names the dialog's scroll keys.
      const names = (label: string) =>
        (/^(\d)-(\d)$/.test(label)
          ? label.split('-').reduce((a, z) => Array.from({ length: Number(z) - Number(a) + 1 }, (_, i) => String(Number(a) + i)).join(' '))
          : label
        ).split(' ');
      const first = b.label.split(' ')[0]!;
      expect(
        rows.some((r) => names(r.label).includes(first)),
        `${b.command} (${b.label})`,
      ).toBe(true);
    }
  });

  it('the footer names a command by its first key', () => {
    expect(keyLabel(Command.KillOrphans)).toBe('K');
    expect(keyLabel(Command.Help)).toBe('?');
    expect(keyLabel(Command.NextPanel)).toBe('Tab');
    expect(keyLabel(Command.Quit)).toBe('q');
  });
});

describe('the help screen', () => {
  it('lists each group once, in the table order', () => {
    const groups = helpRows().map((r) => r.group);
    const runs = groups.filter((g, i) => g !== groups[i - 1]);
    expect(runs).toEqual([...new Set(groups)]);
  });
});
