// The one key table. Every command the console knows, the keys bound to it, the context where it
// applies and the line the help screen shows: components never compare raw characters, they ask
// `commandFor(context, input, key)`, and the help overlay is generated from this table, so the two
// cannot drift. Pure: no React, no store.

import type { Key } from 'ink';

export enum Command {
  Up = 'up',
  Down = 'down',
  PageUp = 'page-up',
  PageDown = 'page-down',
  Top = 'top',
  Bottom = 'bottom',
  NextPanel = 'next-panel',
  PrevPanel = 'prev-panel',
  Panel1 = 'panel-1',
  Panel2 = 'panel-2',
  Panel3 = 'panel-3',
  Panel4 = 'panel-4',
  Panel5 = 'panel-5',
  Expand = 'expand',
  Scope = 'scope',
  Filter = 'filter',
  Sort = 'sort',
  Reverse = 'reverse',
  KillSession = 'kill-session',
  KillOrphans = 'kill-orphans',
  ReapZombies = 'reap-zombies',
  Shutdown = 'shutdown',
  CancelAction = 'cancel-action',
  Pause = 'pause',
  Faster = 'faster',
  Slower = 'slower',
  Refresh = 'refresh',
  Back = 'back',
  Help = 'help',
  Quit = 'quit',
  // dialogs
  Confirm = 'confirm',
  Deny = 'deny',
  // the filter line
  FilterApply = 'filter-apply',
  FilterClear = 'filter-clear',
  FilterErase = 'filter-erase',
}

/** Who owns the keys: the tables, a confirm dialog, the help screen, or the filter line. */
export type KeyContext = 'main' | 'confirm' | 'help' | 'filter';

type NamedKey =
  | 'upArrow'
  | 'downArrow'
  | 'leftArrow'
  | 'rightArrow'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'return'
  | 'escape'
  | 'tab'
  | 'backspace'
  | 'delete';

/** One binding: a printable character (exact, case-sensitive), or a named key, with modifiers. */
export interface KeySpec {
  input?: string;
  name?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

export interface Binding {
  command: Command;
  contexts: KeyContext[];
  keys: KeySpec[];
  /** The keys as the help screen writes them. */
  label: string;
  description: string;
  /** Destructive: opens a confirm dialog with the plan first. */
  destructive?: boolean;
  /** Where the help screen lists it. */
  group: 'Move' | 'View' | 'Act' | 'Console' | 'Dialogs';
  /** Not listed on its own (another row of the help screen names it). */
  hidden?: boolean;
}

const MAIN: KeyContext[] = ['main'];

export const BINDINGS: Binding[] = [
  { command: Command.Up, contexts: ['main', 'help'], keys: [{ name: 'upArrow' }, { input: 'k' }], label: '↑ k', description: 'move up', group: 'Move' },
  { command: Command.Down, contexts: ['main', 'help'], keys: [{ name: 'downArrow' }, { input: 'j' }], label: '↓ j', description: 'move down', group: 'Move' },
  {
    command: Command.PageUp,
    contexts: ['main', 'help'],
    keys: [{ name: 'pageUp' }, { input: 'b', ctrl: true }],
    label: 'PgUp',
    description: 'page up',
    group: 'Move',
  },
  {
    command: Command.PageDown,
    contexts: ['main', 'help'],
    keys: [{ name: 'pageDown' }, { input: 'f', ctrl: true }],
    label: 'PgDn',
    description: 'page down',
    group: 'Move',
  },
  { command: Command.Top, contexts: MAIN, keys: [{ name: 'home' }, { input: 'g' }], label: 'Home g', description: 'first row', group: 'Move' },
  { command: Command.Bottom, contexts: MAIN, keys: [{ name: 'end' }, { input: 'G' }], label: 'End G', description: 'last row', group: 'Move' },
  { command: Command.NextPanel, contexts: MAIN, keys: [{ name: 'tab' }, { name: 'rightArrow' }], label: 'Tab →', description: 'next panel', group: 'Move' },
  {
    command: Command.PrevPanel,
    contexts: MAIN,
    keys: [{ name: 'tab', shift: true }, { name: 'leftArrow' }],
    label: 'S-Tab ←',
    description: 'previous panel',
    group: 'Move',
  },
  {
    command: Command.Panel1,
    contexts: MAIN,
    keys: [{ input: '1' }],
    label: '1-5',
    description: 'Sessions, Processes, Zombies, Descriptors, Event log',
    group: 'Move',
  },
  { command: Command.Panel2, contexts: MAIN, keys: [{ input: '2' }], label: '2', description: 'Processes', group: 'Move', hidden: true },
  { command: Command.Panel3, contexts: MAIN, keys: [{ input: '3' }], label: '3', description: 'Zombies', group: 'Move', hidden: true },
  { command: Command.Panel4, contexts: MAIN, keys: [{ input: '4' }], label: '4', description: 'Descriptors', group: 'Move', hidden: true },
  { command: Command.Panel5, contexts: MAIN, keys: [{ input: '5' }], label: '5', description: 'Event log', group: 'Move', hidden: true },

  {
    command: Command.Expand,
    contexts: MAIN,
    keys: [{ name: 'return' }],
    label: 'Enter',
    description: 'expand the selected row (details, its processes)',
    group: 'View',
  },
  {
    command: Command.Scope,
    contexts: MAIN,
    keys: [{ input: 'a' }],
    label: 'a',
    description: 'Processes: all agent processes / the selected session only',
    group: 'View',
  },
  {
    command: Command.Filter,
    contexts: MAIN,
    keys: [{ input: '/' }],
    label: '/',
    description: 'filter the table (Enter keeps it, Esc clears it)',
    group: 'View',
  },
  { command: Command.Sort, contexts: MAIN, keys: [{ input: 's' }], label: 's', description: 'sort by the next column', group: 'View' },
  { command: Command.Reverse, contexts: MAIN, keys: [{ input: 'r' }], label: 'r', description: 'reverse the sort order', group: 'View' },
  {
    command: Command.Back,
    contexts: MAIN,
    keys: [{ name: 'escape' }],
    label: 'Esc',
    description: 'back: clear the filter, show all processes, collapse',
    group: 'View',
  },

  {
    command: Command.KillSession,
    contexts: MAIN,
    keys: [{ input: 'x' }],
    label: 'x',
    description: 'kill the selected session (its processes, then the session)',
    destructive: true,
    group: 'Act',
  },
  {
    command: Command.KillOrphans,
    contexts: MAIN,
    keys: [{ input: 'K' }],
    label: 'K',
    description: 'kill all orphans: orphan sessions and leaked processes',
    destructive: true,
    group: 'Act',
  },
  {
    command: Command.ReapZombies,
    contexts: MAIN,
    keys: [{ input: 'z' }],
    label: 'z',
    description: 'get the zombies reaped (SIGCHLD, then end their parent)',
    destructive: true,
    group: 'Act',
  },
  {
    command: Command.Shutdown,
    contexts: MAIN,
    keys: [{ input: 'S' }],
    label: 'S',
    description: 'graceful shutdown: orchestrator, then its sessions (TERM, grace, KILL, verify)',
    destructive: true,
    group: 'Act',
  },
  {
    command: Command.CancelAction,
    contexts: MAIN,
    keys: [{ input: 'c' }],
    label: 'c',
    description: 'cancel the running action (nothing more is signalled)',
    group: 'Act',
  },

  { command: Command.Pause, contexts: MAIN, keys: [{ input: 'p' }, { input: ' ' }], label: 'p Space', description: 'pause / resume polling', group: 'Console' },
  { command: Command.Faster, contexts: MAIN, keys: [{ input: '+' }, { input: '=' }], label: '+', description: 'poll more often', group: 'Console' },
  { command: Command.Slower, contexts: MAIN, keys: [{ input: '-' }, { input: '_' }], label: '-', description: 'poll less often', group: 'Console' },
  { command: Command.Refresh, contexts: MAIN, keys: [{ input: 'l', ctrl: true }], label: 'Ctrl-L', description: 'look now', group: 'Console' },
  {
    command: Command.Help,
    contexts: MAIN,
    keys: [{ input: '?' }, { input: 'h' }],
    label: '? h',
    description: 'this help (↑↓ scroll it, any other key closes it)',
    group: 'Console',
  },
  {
    command: Command.Quit,
    contexts: ['main', 'help'],
    keys: [{ input: 'q' }, { input: 'c', ctrl: true }],
    label: 'q Ctrl-C',
    description: 'quit (asks first while an action runs)',
    group: 'Console',
  },

  { command: Command.Confirm, contexts: ['confirm'], keys: [{ input: 'y' }, { input: 'Y' }], label: 'y', description: 'run the plan shown', group: 'Dialogs' },
  {
    command: Command.Deny,
    contexts: ['confirm'],
    keys: [{ input: 'n' }, { input: 'N' }, { name: 'escape' }, { input: 'q' }, { input: 'c', ctrl: true }],
    label: 'n Esc',
    description: 'cancel: nothing is signalled',
    group: 'Dialogs',
  },
  {
    command: Command.Up,
    contexts: ['confirm'],
    keys: [{ name: 'upArrow' }, { input: 'k' }],
    label: '↑ ↓ PgUp PgDn',
    description: 'scroll the plan (also j k Space)',
    group: 'Dialogs',
  },
  {
    command: Command.Down,
    contexts: ['confirm'],
    keys: [{ name: 'downArrow' }, { input: 'j' }],
    label: '↓ j',
    description: 'scroll the plan',
    group: 'Dialogs',
    hidden: true,
  },
  { command: Command.PageUp, contexts: ['confirm'], keys: [{ name: 'pageUp' }], label: 'PgUp', description: 'scroll the plan', group: 'Dialogs', hidden: true },
  {
    command: Command.PageDown,
    contexts: ['confirm'],
    keys: [{ name: 'pageDown' }, { input: ' ' }],
    label: 'PgDn',
    description: 'scroll the plan',
    group: 'Dialogs',
    hidden: true,
  },

  { command: Command.FilterApply, contexts: ['filter'], keys: [{ name: 'return' }], label: 'Enter', description: 'keep the filter', group: 'Dialogs' },
  {
    command: Command.FilterClear,
    contexts: ['filter'],
    keys: [{ name: 'escape' }, { input: 'c', ctrl: true }],
    label: 'Esc',
    description: 'clear the filter',
    group: 'Dialogs',
  },
  {
    command: Command.FilterErase,
    contexts: ['filter'],
    keys: [{ name: 'backspace' }, { name: 'delete' }],
    label: 'Backspace',
    description: 'erase a character',
    group: 'Dialogs',
  },
];

/** Does a key press match one spec? Modifiers must agree exactly, so Ctrl-C is not `c`. */
export function matches(spec: KeySpec, input: string, key: Partial<Key>): boolean {
  if (!!spec.ctrl !== !!key.ctrl) return false;
  if (spec.name) {
    if (!key[spec.name]) return false;
    // Shift-Tab arrives as tab + shift; plain Tab must not match it.
    return spec.name === 'tab' ? !!spec.shift === !!key.shift : true;
  }
  if (key.meta) return false;
  // A named key (arrows, Enter, Esc…) is never also a printable one.
  if (
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.return ||
    key.escape ||
    key.tab ||
    key.backspace ||
    key.delete ||
    key.pageUp ||
    key.pageDown
  )
    return false;
  return spec.input === input;
}

/** The command a key press means in a context, or null. */
export function commandFor(context: KeyContext, input: string, key: Partial<Key>): Command | null {
  for (const b of BINDINGS) {
    if (!b.contexts.includes(context)) continue;
    if (b.keys.some((k) => matches(k, input, key))) return b.command;
  }
  return null;
}

/** The help screen's rows, in table order. */
export function helpRows(): { group: Binding['group']; label: string; description: string }[] {
  return BINDINGS.filter((b) => !b.hidden).map((b) => ({ group: b.group, label: b.label, description: b.description }));
}

/** The first key of a command, as the footer writes it ("K"). */
export function keyLabel(command: Command): string {
  const b = BINDINGS.find((x) => x.command === command);
  return b ? b.label.split(' ')[0]! : '?';
}
