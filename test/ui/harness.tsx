// The console under ink-testing-library, for the component tests in test/ui/: a real app store fed a
// hand-built Snapshot (test/helpers/snapshot.ts), a fake ActionService that records what it is asked
// (plans are made by the real makePlan, nothing is ever signalled), a fixed terminal size, a pinned
// clock and no colour.
//
// Waiting: every key press and store update goes through act() (setup-act.ts fails a test on act()
// warnings), then the frame is polled until it changes — or until a predicate holds, for keys whose
// effect is not on the screen (q calls quit) — with a short timeout that fails showing the frame.
// Never a fixed sleep. A lone Esc is held by Ink's input parser until the next macrotask (it may be
// the start of an escape sequence), so polling, not a single flush, is what makes Esc reliable.
//
// act(), as measured here (Ink 6.8 renders with React's legacy root; React 19):
// - Inside act(), the input listener is attached and a key's re-render is flushed before act()
//   returns. Without act(), a key written right after render is handled, but its frame appears only
//   a macrotask later: reading lastFrame() straight after stdin.write() sees the old frame (the
//   "yield" Shopify's sendInputAndWaitForChange needs). Polling makes both moot; the helper still
//   yields once after mounting.
// - setup-act.ts sets IS_REACT_ACT_ENVIRONMENT. Without it React says nothing about updates outside
//   act() — the check would have no teeth — and every act() call warns that the environment is not
//   configured for it. With it, updates made inside act() are silent and any other one warns ("An
//   update to Console inside a test was not wrapped in act(...)") and fails the test.
// - So nothing may update the console outside act(): a live clock (clockEveryMs > 0) does, every
//   tick, and fails the test — tests pin the clock; a store change must go through update().
import { render } from 'ink-testing-library';
import { Text } from 'ink';
import { act } from 'react';
import { vi } from 'vitest';
import type { StoreApi } from 'zustand/vanilla';
import type { ActionService } from '../../src/actions/console-actions.js';
import { makePlan, type Intent, type Plan } from '../../src/model/plan.js';
import type { Snapshot } from '../../src/model/types.js';
import { createAppStore, type AppState } from '../../src/store/store.js';
import { Console } from '../../src/ui/Console.js';
import { createViewStore, type ViewState } from '../../src/ui/view-store.js';
import { makeSnapshot, NOW } from '../helpers/snapshot.js';

export { makeSnapshot, NOW };

// Times on the screen are local times ("tick 7 at 11:59:59"): read them in one zone.
process.env.TZ = 'UTC';

/** Pins Date (not the timers: Ink and the waits need real ones) at NOW, so the events the store
 *  stamps with Date.now() — a key's "cancelled: …", "polling paused" — read the same every run. */
export function pinTime(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
}

/** Key sequences as a terminal sends them. */
export const KEY = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  home: '\u001b[H',
  end: '\u001b[F',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  backspace: '\u007f',
  ctrlC: '\u0003',
  ctrlL: '\u000c',
} as const;

/** Strips SGR sequences. */
export const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** The action service the console talks to, recording instead of acting. */
export interface FakeService extends ActionService {
  /** Every plan() call: the intent and the plan handed back (by identity). */
  planned: { intent: Intent; plan: Plan | null }[];
  ran: Plan[];
  cancels: number;
  refreshes: number;
  busyNow: boolean;
}

export function fakeService(store: StoreApi<AppState>): FakeService {
  const f: FakeService = {
    planned: [],
    ran: [],
    cancels: 0,
    refreshes: 0,
    busyNow: false,
    plan(intent) {
      const snap = store.getState().snapshot;
      const plan = snap ? makePlan(snap, intent, { graceMs: 5_000, server: { socketName: 'test' } }) : null;
      f.planned.push({ intent, plan });
      return plan;
    },
    async run(plan) {
      f.ran.push(plan);
    },
    cancel() {
      f.cancels++;
    },
    busy: () => f.busyNow,
    refresh() {
      f.refreshes++;
    },
    async idle() {},
  };
  return f;
}

export interface Opened {
  store: StoreApi<AppState>;
  view: StoreApi<ViewState>;
  service: FakeService;
  quits: number;
  /** The last frame as written, SGR included. */
  raw(): string;
  /** The last frame without SGR. */
  frame(): string;
  lines(): string[];
  /** How many frames Ink has drawn so far (each React commit is one). */
  frameCount(): number;
  /** Lets pending store changes, renders and timers of this turn run (inside act()), without waiting for a change. */
  settle(): Promise<void>;
  /** Writes a key, then waits for the frame to change (or `until` to hold). */
  press(key: string, until?: (frame: string) => boolean): Promise<string>;
  /** Several keys, each waited for. */
  keys(...keys: string[]): Promise<string>;
  /** Changes the stores inside act(), then waits like press. */
  update(fn: () => void, until?: (frame: string) => boolean): Promise<string>;
  unmount(): Promise<void>;
}

export interface OpenOptions {
  snap?: Snapshot | null;
  columns?: number;
  rows?: number;
  intervalMs?: number;
  /** Hues (default off: tokens keep their weight — bold, dim, inverse — and lose their hue). */
  color?: boolean;
}

const mounted = new Set<Opened>();

/** Unmounts everything open (call it in afterEach). */
export async function unmountAll(): Promise<void> {
  for (const o of [...mounted]) await o.unmount();
}

const WAIT_MS = 1_000;

// ink-testing-library's stdout reports 100 columns, always, and Ink lays its root out at that width:
// a console told it has 120 columns would be drawn into a 100-column root (a bordered box's right
// edge then lands mid-line). The fake terminal must be as wide as the console is told it is, so the
// fake stdout's `columns` getter (on its class) is replaced by one reading the width of the console
// being rendered. Found by rendering once; Ink reads it at every layout.
let columnsNow = 100;
function pinStdoutColumns(): void {
  const probe = render(<Text />);
  const proto = Object.getPrototypeOf(probe.stdout) as object;
  probe.unmount();
  if (Object.getOwnPropertyDescriptor(proto, 'columns')?.get?.name === 'pinnedColumns') return;
  Object.defineProperty(proto, 'columns', {
    configurable: true,
    // Each console's own width once rendered (two may be open), the next one's while it first renders.
    get: function pinnedColumns(this: { pinned?: number }) {
      return this.pinned ?? columnsNow;
    },
  });
}

export async function openConsole(opts: OpenOptions = {}): Promise<Opened> {
  const store = createAppStore({
    classifyConfig: () => {
      throw new Error('classify is not used: the snapshot is set directly');
    },
    intervalMs: opts.intervalMs ?? 1_000,
  });
  store.setState({
    snapshot: opts.snap === undefined ? makeSnapshot() : opts.snap,
    tick: { count: 7, lastAt: NOW - 300, durationMs: 35, slow: 0, slowRun: 0, error: null },
  });
  const view = createViewStore();
  const service = fakeService(store);
  let r!: ReturnType<typeof render>;
  const o: Opened = {
    store,
    view,
    service,
    quits: 0,
    raw: () => r.lastFrame() ?? '',
    frame: () => plain(r.lastFrame() ?? ''),
    lines: () => plain(r.lastFrame() ?? '').split('\n'),
    frameCount: () => r.frames.length,
    async settle() {
      for (let i = 0; i < 3; i++)
        await act(async () => {
          await new Promise((res) => setImmediate(res));
        });
    },
    press: (key, until) => waitAfter(() => r.stdin.write(key), until),
    async keys(...keys) {
      for (const k of keys) await o.press(k);
      return o.frame();
    },
    update: (fn, until) => waitAfter(fn, until),
    async unmount() {
      if (!mounted.delete(o)) return;
      await act(async () => {
        r.unmount();
      });
    },
  };
  /** Runs `fn` in act(), then polls (each turn in act()) until the frame changed or `until` holds. */
  async function waitAfter(fn: () => void, until?: (frame: string) => boolean): Promise<string> {
    const before = o.raw();
    await act(async () => {
      fn();
    });
    const done = () => (until ? until(o.frame()) : o.raw() !== before);
    // performance.now(): Date may be pinned (pinTime).
    const end = performance.now() + WAIT_MS;
    while (!done()) {
      if (performance.now() > end)
        throw new Error(`timed out after ${WAIT_MS} ms waiting for ${until ? 'the condition' : 'the frame to change'}; the frame is:\n${o.frame()}`);
      await act(async () => {
        await new Promise((res) => setImmediate(res));
      });
    }
    return o.frame();
  }
  await act(async () => {
    pinStdoutColumns();
    columnsNow = opts.columns ?? 120;
    r = render(
      <Console
        store={store}
        view={view}
        service={service}
        quit={() => o.quits++}
        size={{ columns: opts.columns ?? 120, rows: opts.rows ?? 40 }}
        clock={() => NOW}
        clockEveryMs={0}
        color={opts.color ?? false}
      />,
    );
    (r.stdout as unknown as { pinned: number }).pinned = columnsNow;
  });
  await act(async () => {
    await new Promise((res) => setImmediate(res));
  });
  mounted.add(o);
  return o;
}

/** The line that contains `text` ('' when none). */
export const lineWith = (frame: string, text: string) => frame.split('\n').find((l) => l.includes(text)) ?? '';
/** The row the cursor is on (its mark ▶, or ? when its row is gone), or null. */
export const cursorLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('▶') || l.startsWith('?')) ?? null;
