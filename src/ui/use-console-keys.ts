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
import { formatGrace } from '../render/plan.js';
import type { AppState } from '../store/store.js';
import { Command, commandFor, type KeyContext } from './keys.js';
import { GHOST_PREFIX, type PanelId } from './panels.js';
import type { Selection, ViewState } from './view-store.js';

/** The poll intervals + and - step through. */
export const INTERVALS = [250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];

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

export function contextOf(v: ViewState): KeyContext {
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
export function keyOfChar(ch: string, chunk: Key): Key {
  const none = { ...chunk, return: false, tab: false, backspace: false, delete: false, escape: false, shift: ch !== ch.toLowerCase() };
  if (ch === '\r' || ch === '\n') return { ...none, return: true };
  if (ch === '\t') return { ...none, tab: true };
  if (ch === '\u007f' || ch === '\b') return { ...none, backspace: true };
  return none;
}

export function handleKey(d: KeyDeps, input: string, key: Key): void {
  const v = d.view.getState();
  const app = d.store.getState();
  const ctx = contextOf(v);
  const cmd = commandFor(ctx, input, key);
  const say = v.say;
  if (d.tooSmall) {
    if (cmd === Command.Quit) requestQuit(d);
    return;
  }
  // A message lasts until the next key.
  v.clearFlash();

  if (ctx === 'help') {
    if (cmd === Command.Quit) requestQuit(d);
    else if (cmd === Command.Up) v.scrollOverlay(-1, d.overlayMax);
    else if (cmd === Command.Down) v.scrollOverlay(1, d.overlayMax);
    else if (cmd === Command.PageUp) v.scrollOverlay(-d.pageSize, d.overlayMax);
    else if (cmd === Command.PageDown) v.scrollOverlay(d.pageSize, d.overlayMax);
    else v.closeOverlay();
    return;
  }
  if (ctx === 'filter') {
    if (cmd === Command.FilterApply) v.applyFilter();
    else if (cmd === Command.FilterClear) v.clearFilter();
    else if (cmd === Command.FilterErase) v.eraseFilter();
    else if (input && !key.ctrl && !key.meta && !/[\u0000-\u001f\u007f]/.test(input)) v.typeFilter(input);
    return;
  }
  if (ctx === 'confirm') {
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
      if (o.kind === 'confirm') app.log('info', `cancelled: ${intentName(o.plan.intent)} (nothing was signalled)`);
    } else if (cmd === Command.Up) v.scrollOverlay(-1, d.overlayMax);
    else if (cmd === Command.Down) v.scrollOverlay(1, d.overlayMax);
    else if (cmd === Command.PageUp) v.scrollOverlay(-d.pageSize, d.overlayMax);
    else if (cmd === Command.PageDown) v.scrollOverlay(d.pageSize, d.overlayMax);
    return;
  }

  if (cmd && PANEL_KEYS[cmd]) {
    v.setPanel(PANEL_KEYS[cmd]!);
    return;
  }
  switch (cmd) {
    case Command.Up:
      return v.move(-1, d.ids, d.labelOf);
    case Command.Down:
      return v.move(1, d.ids, d.labelOf);
    case Command.PageUp:
      return v.move(-d.pageSize, d.ids, d.labelOf);
    case Command.PageDown:
      return v.move(d.pageSize, d.ids, d.labelOf);
    case Command.Top:
      return v.moveTo(0, d.ids, d.labelOf);
    case Command.Bottom:
      return v.moveTo(-1, d.ids, d.labelOf);
    case Command.NextPanel:
      return v.cyclePanel(1);
    case Command.PrevPanel:
      return v.cyclePanel(-1);
    case Command.Expand:
      if (d.current) v.toggleExpand(d.current.id);
      return;
    case Command.Scope:
      if (v.panel === 'processes' && v.scope) return v.setScope(null);
      if (d.sessionOfCurrent) {
        v.setScope(d.sessionOfCurrent);
        return v.setPanel('processes');
      }
      return say('a: select a session (or a process of one) to see only its tree', 'warn');
    case Command.Back:
      if (v.params[v.panel].filter) return v.clearFilter();
      if (v.panel === 'processes' && v.scope) return v.setScope(null);
      if (v.expanded[v.panel]) return v.toggleExpand(v.expanded[v.panel]!);
      return;
    case Command.Filter:
      return v.startFilter();
    case Command.Sort:
      return v.cycleSort();
    case Command.Reverse:
      return v.toggleReverse();
    case Command.KillSession:
      if (v.panel !== 'sessions') return say('x kills the session selected in Sessions: press 1 first', 'warn');
      if (d.lost && d.lostHidden) return say(`${d.lost.label} is hidden by the filter: clear it (Esc) or select a row shown`, 'warn');
      if (d.lost) return say(`${d.lost.label} is gone (it ended after you selected it): nothing to kill`, 'warn');
      if (!d.current) return say('no session selected', 'warn');
      if (d.current.id.startsWith(GHOST_PREFIX)) return say(`${d.current.label} has no tmux session: the registry is stale; there is nothing to kill`, 'warn');
      return propose(d, { kind: 'kill-session', sessionId: d.current.id });
    case Command.KillOrphans:
      return propose(d, { kind: 'kill-orphans' });
    case Command.ReapZombies:
      return propose(d, { kind: 'reap-zombies' });
    case Command.Shutdown: {
      const running = app.snapshot?.orchestrators.filter((o) => o.running) ?? [];
      if (running.length > 1) {
        // One orchestrator per project: the selected session says which.
        const owner = v.panel === 'sessions' && d.current ? app.snapshot?.sessions.find((s) => s.id === d.current!.id)?.ownedBy : null;
        if (!owner) return say(`${running.length} orchestrators run (pids ${running.map((o) => o.pid).join(', ')}): select a session of the project to stop (Sessions), then S`, 'warn');
        return propose(d, { kind: 'shutdown', orchestratorPid: owner });
      }
      return propose(d, { kind: 'shutdown' });
    }
    case Command.CancelAction:
      if (!d.service.busy()) return say('no action is running', 'dim');
      return d.service.cancel();
    case Command.Pause:
      app.setPaused(!app.paused);
      app.log('info', app.paused ? 'polling resumed' : 'polling paused (p resumes)');
      return;
    case Command.Faster:
    case Command.Slower: {
      // The next step in the asked direction, from wherever --interval put it (it may be off the list).
      const cur = app.intervalMs;
      const next = cmd === Command.Faster ? [...INTERVALS].reverse().find((ms) => ms < cur) : INTERVALS.find((ms) => ms > cur);
      if (next === undefined) return say(`polling every ${formatGrace(cur)} already: the ${cmd === Command.Faster ? 'fastest' : 'slowest'} step`, 'dim');
      app.setInterval(next);
      return say(`polling every ${formatGrace(next)}`, 'dim');
    }
    case Command.Refresh:
      return d.service.refresh();
    case Command.Help:
      return v.openHelp();
    case Command.Quit:
      return requestQuit(d);
    default:
      return;
  }
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
      'reap-zombies': 'no zombies in the orchestrator\'s scope: nothing to reap',
      'kill-session': 'nothing to kill',
      'kill-leaked': 'no leaked processes',
      reap: 'nothing to clean up',
      shutdown: 'no orchestrator running and nothing it left behind',
    };
    return v.say(nothing[intent.kind] + (plan.left.length ? ` (${plan.left.length} left alone: see --dry-run)` : ''), 'ok');
  }
  v.openConfirm(plan);
}
