// The console's one key listener. It asks the key table what a key means in the context that owns
// the keys (help, a confirm dialog, the filter line, or the tables), then changes the view store or
// asks the action service for a plan. It never signals anything: destructive commands open a confirm
// dialog with the plan, and only Confirm hands that plan to the service.

import { useInput, type Key } from 'ink';
import { useCallback, useRef } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { ActionService } from '../actions/console-actions.js';
import type { Intent } from '../model/plan.js';
import { intentName, planIsEmpty } from '../model/plan.js';
import { sameSession, sessionRef } from '../model/servers.js';
import { formatGrace } from '../render/plan.js';
import type { AppState } from '../store/store.js';
import { Command, commandFor, type KeyContext } from './keys.js';
import { GHOST_PREFIX, type PanelId } from './panels.js';
import type { Selection, ViewState } from './view-store.js';

/** The poll intervals + and - step through. */
const INTERVALS = [250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];

export interface KeyDeps {
  store: StoreApi<AppState>;
  view: StoreApi<ViewState>;
  service: ActionService;
  /** The current panel's row ids, in display order, and what each is in words. */
  ids: string[];
  labelOf: (id: string) => string;
  /** The row under the cursor (null when none or gone), and the gone one. */
  current: Selection | null;
  lost: Selection | null;
  /** The lost row still exists; the filter hides it. */
  lostHidden?: boolean;
  /** Session id of the row under the cursor, when the row belongs to one. */
  sessionOfCurrent: string | null;
  pageSize: number;
  /** How far the open dialog can scroll. */
  overlayMax: number;
  /** The screen is too small to show anything but a message: only quitting works (a key must not
   *  open a dialog no one can see, nor confirm it). */
  tooSmall?: boolean;
  quit: () => void;
}

const PANEL_KEYS: Partial<Record<Command, PanelId>> = {
  [Command.Panel1]: 'sessions',
  [Command.Panel2]: 'processes',
  [Command.Panel3]: 'zombies',
  [Command.Panel4]: 'descriptors',
  [Command.Panel5]: 'log',
};

function contextOf(v: ViewState): KeyContext {
  if (v.overlay?.kind === 'help') return 'help';
  if (v.overlay) return 'confirm';
  return v.filterEditing ? 'filter' : 'main';
}

export function useConsoleKeys(deps: KeyDeps): void {
  // The handler reads the latest values through a ref and keeps its identity, so Ink registers it
  // once instead of on every render.
  const ref = useRef(deps);
  ref.current = deps;
  const handler = useCallback((input: string, key: Key) => {
    // Keys typed faster than a frame (or pasted) arrive as one string: take them one by one, or
    // "1?" would match nothing. Named keys (arrows, Enter…) arrive alone, already parsed by Ink.
    if (input.length > 1 && !key.ctrl && !key.meta) for (const ch of input) handleKey(ref.current, ch, keyOfChar(ch, key));
    else handleKey(ref.current, input, key);
  }, []);
  useInput(handler);
}

/** The key flags of one character of a chunk: Enter, Tab and Backspace inside "/name⏎" keep their
 *  meaning (the chunk's own flags describe the chunk, not each character). */
function keyOfChar(ch: string, chunk: Key): Key {
  const none = { ...chunk, return: false, tab: false, backspace: false, delete: false, escape: false, shift: ch !== ch.toLowerCase() };
  if (ch === '\r' || ch === '\n') return { ...none, return: true };
  if (ch === '\t') return { ...none, tab: true };
  if (ch === '\u007f' || ch === '\b') return { ...none, backspace: true };
  return none;
}

/** One key: the context that owns the keys decides what it does. */
function handleKey(d: KeyDeps, input: string, key: Key): void {
  const v = d.view.getState();
  const ctx = contextOf(v);
  const cmd = commandFor(ctx, input, key);
  if (d.tooSmall) {
    if (cmd === Command.Quit) requestQuit(d);
    return;
  }
  // A message lasts until the next key.
  v.clearFlash();
  if (ctx === 'help') return onHelpKey(d, cmd);
  if (ctx === 'filter') return onFilterKey(d, cmd, input, key);
  if (ctx === 'confirm') return onConfirmKey(d, cmd);
  if (cmd && PANEL_KEYS[cmd]) return v.setPanel(PANEL_KEYS[cmd]!);
  if (cmd === null) return;
  if (onMoveKey(d, cmd) || onViewKey(d, cmd) || onActionKey(d, cmd)) return;
  onPollKey(d, cmd);
}

/** Scrolling an open dialog; true when the command was one. */
function scrollOverlay(d: KeyDeps, cmd: Command | null): boolean {
  const v = d.view.getState();
  const by = cmd === Command.Up ? -1 : cmd === Command.Down ? 1 : cmd === Command.PageUp ? -d.pageSize : cmd === Command.PageDown ? d.pageSize : 0;
  if (by) v.scrollOverlay(by, d.overlayMax);
  return by !== 0;
}

/** The help screen: it scrolls, q quits, any other key closes it. */
function onHelpKey(d: KeyDeps, cmd: Command | null): void {
  if (cmd === Command.Quit) requestQuit(d);
  else if (!scrollOverlay(d, cmd)) d.view.getState().closeOverlay();
}

/** The filter line owns every printable key until Enter or Esc. */
function onFilterKey(d: KeyDeps, cmd: Command | null, input: string, key: Key): void {
  const v = d.view.getState();
  if (cmd === Command.FilterApply) v.applyFilter();
  else if (cmd === Command.FilterClear) v.clearFilter();
  else if (cmd === Command.FilterErase) v.eraseFilter();
  else if (input && !key.ctrl && !key.meta && !/[\u0000-\u001f\u007f]/.test(input)) v.typeFilter(input);
}

/** A confirm dialog: only Confirm hands its plan to the service (or quits while one runs). */
function onConfirmKey(d: KeyDeps, cmd: Command | null): void {
  const v = d.view.getState();
  const o = v.overlay!;
  if (cmd === Command.Confirm) {
    v.closeOverlay();
    if (o.kind === 'confirm') void d.service.run(o.plan);
    else {
      d.service.cancel();
      d.quit();
    }
  } else if (cmd === Command.Deny) {
    v.closeOverlay();
    if (o.kind === 'confirm') d.store.getState().log('info', `cancelled: ${intentName(o.plan.intent)} (nothing was signalled)`);
  } else scrollOverlay(d, cmd);
}

/** The cursor and the panels; true when the command was one. */
function onMoveKey(d: KeyDeps, cmd: Command): boolean {
  const v = d.view.getState();
  const step: Partial<Record<Command, number>> = { [Command.Up]: -1, [Command.Down]: 1, [Command.PageUp]: -d.pageSize, [Command.PageDown]: d.pageSize };
  if (step[cmd] !== undefined) v.move(step[cmd]!, d.ids, d.labelOf);
  else if (cmd === Command.Top) v.moveTo(0, d.ids, d.labelOf);
  else if (cmd === Command.Bottom) v.moveTo(-1, d.ids, d.labelOf);
  else if (cmd === Command.NextPanel) v.cyclePanel(1);
  else if (cmd === Command.PrevPanel) v.cyclePanel(-1);
  else return false;
  return true;
}

/** What the tables show: expansion, scope, filter, sort, help; true when the command was one. */
function onViewKey(d: KeyDeps, cmd: Command): boolean {
  const v = d.view.getState();
  switch (cmd) {
    case Command.Expand:
      if (d.current) v.toggleExpand(d.current.id);
      return true;
    case Command.Scope:
      if (v.panel === 'processes' && v.scope) v.setScope(null);
      else if (d.sessionOfCurrent) {
        v.setScope(d.sessionOfCurrent);
        v.setPanel('processes');
      } else v.say('a: select a session (or a process of one) to see only its tree', 'warn');
      return true;
    case Command.Back:
      if (v.params[v.panel].filter) v.clearFilter();
      else if (v.panel === 'processes' && v.scope) v.setScope(null);
      else if (v.expanded[v.panel]) v.toggleExpand(v.expanded[v.panel]!);
      return true;
    case Command.Filter:
      v.startFilter();
      return true;
    case Command.Sort:
      v.cycleSort();
      return true;
    case Command.Reverse:
      v.toggleReverse();
      return true;
    case Command.Help:
      v.openHelp();
      return true;
    default:
      return false;
  }
}

/** The destructive keys (each only proposes a plan), cancel and quit; true when the command was one. */
function onActionKey(d: KeyDeps, cmd: Command): boolean {
  const say = d.view.getState().say;
  switch (cmd) {
    case Command.KillSession:
      proposeKillSession(d);
      return true;
    case Command.KillOrphans:
      propose(d, { kind: 'kill-orphans' });
      return true;
    case Command.ReapZombies:
      proposeReapZombies(d);
      return true;
    case Command.Shutdown:
      proposeShutdown(d);
      return true;
    case Command.CancelAction:
      if (!d.service.busy()) say('no action is running', 'dim');
      else d.service.cancel();
      return true;
    case Command.Quit:
      requestQuit(d);
      return true;
    default:
      return false;
  }
}

/** x: the session under the cursor in Sessions, when there is one to kill. */
function proposeKillSession(d: KeyDeps): void {
  const v = d.view.getState();
  const say = v.say;
  if (v.panel !== 'sessions') return say('x kills the session selected in Sessions: press 1 first', 'warn');
  if (d.lost && d.lostHidden) return say(`${d.lost.label} is hidden by the filter: clear it (Esc) or select a row shown`, 'warn');
  if (d.lost) return say(`${d.lost.label} is gone (it ended after you selected it): nothing to kill`, 'warn');
  if (!d.current) return say('no session selected', 'warn');
  if (d.current.id.startsWith(GHOST_PREFIX)) return say(`${d.current.label} has no tmux session: the registry is stale; there is nothing to kill`, 'warn');
  const s = d.store.getState().snapshot?.sessions.find((x) => sessionRef(x.server, x.id) === d.current!.id);
  if (!s) return say(`${d.current.label} is gone: nothing to kill`, 'warn');
  propose(d, { kind: 'kill-session', sessionId: s.id, server: s.server });
}

/**
 * z: SIGCHLD to every zombie parent in scope. A parent inside an active agent session is only nudged,
 * unless that session is the one selected in Sessions: choosing it is the user's explicit consent to
 * end the parent, and the confirm dialog shows the step's warning whole.
 */
function proposeReapZombies(d: KeyDeps): void {
  const v = d.view.getState();
  const snap = d.store.getState().snapshot;
  const ref = v.panel === 'sessions' && !d.lost && d.current ? d.current.id : null;
  const s = ref ? snap?.sessions.find((x) => sessionRef(x.server, x.id) === ref && x.status === 'active') : undefined;
  // Only a chosen active session that holds a zombie parent changes the plan.
  const chosen = s && snap?.zombies.some((z) => z.parentInScope && sameSession(z, s));
  propose(d, chosen ? { kind: 'reap-zombies', endParentsOf: s.id, endParentsServer: s.server } : { kind: 'reap-zombies' });
}

/** S: the orchestrator, or with several running, the one owning the selected session. */
function proposeShutdown(d: KeyDeps): void {
  const v = d.view.getState();
  const app = d.store.getState();
  const running = app.snapshot?.orchestrators.filter((o) => o.running) ?? [];
  if (running.length <= 1) return propose(d, { kind: 'shutdown' });
  // One orchestrator per project: the selected session says which.
  const owner = v.panel === 'sessions' && d.current ? app.snapshot?.sessions.find((s) => s.id === d.current!.id)?.ownedBy : null;
  if (!owner)
    return v.say(
      `${running.length} orchestrators run (pids ${running.map((o) => o.pid).join(', ')}): select a session of the project to stop (Sessions), then S`,
      'warn',
    );
  propose(d, { kind: 'shutdown', orchestratorPid: owner });
}

/** Polling: pause, faster, slower, refresh now. */
function onPollKey(d: KeyDeps, cmd: Command): void {
  const app = d.store.getState();
  const say = d.view.getState().say;
  if (cmd === Command.Pause) {
    app.setPaused(!app.paused);
    app.log('info', app.paused ? 'polling resumed' : 'polling paused (p resumes)');
  } else if (cmd === Command.Faster || cmd === Command.Slower) {
    // The next step in the asked direction, from wherever --interval put it (it may be off the list).
    const cur = app.intervalMs;
    const next = cmd === Command.Faster ? [...INTERVALS].reverse().find((ms) => ms < cur) : INTERVALS.find((ms) => ms > cur);
    if (next === undefined) return say(`polling every ${formatGrace(cur)} already: the ${cmd === Command.Faster ? 'fastest' : 'slowest'} step`, 'dim');
    app.setInterval(next);
    say(`polling every ${formatGrace(next)}`, 'dim');
  } else if (cmd === Command.Refresh) d.service.refresh();
}

function requestQuit(d: KeyDeps): void {
  if (d.service.busy()) d.view.getState().openQuitRunning();
  else d.quit();
}

/** A destructive key: refused while a plan runs; else the plan, in a dialog, or why there is none. */
function propose(d: KeyDeps, intent: Intent): void {
  const v = d.view.getState();
  const app = d.store.getState();
  if (d.service.busy()) {
    const msg = `"${app.activity?.label ?? 'an action'}" is still running: wait for it, or press c to cancel it`;
    app.log('warn', `${intentName(intent)}: refused, ${msg}`);
    return v.say(msg, 'warn');
  }
  const plan = d.service.plan(intent);
  if (!plan) return v.say('no look at the world yet: wait for the first tick', 'warn');
  if (plan.refused) return v.say(`refused: ${plan.refused}`, 'error');
  if (planIsEmpty(plan)) {
    const nothing: Record<Intent['kind'], string> = {
      'kill-orphans': 'no orphan sessions or leaked processes: nothing to kill',
      'reap-zombies': "no zombies in the orchestrator's scope: nothing to reap",
      'kill-session': 'nothing to kill',
      'kill-leaked': 'no leaked processes',
      reap: 'nothing to clean up',
      shutdown: 'no orchestrator running and nothing it left behind',
    };
    return v.say(nothing[intent.kind] + (plan.left.length ? ` (${plan.left.length} left alone: see --dry-run)` : ''), 'ok');
  }
  v.openConfirm(plan);
}
