// Rendering the console in tests: every render, key press, store update and unmount goes through
// act(), and key presses wait for the frame to change (or for a predicate) instead of sleeping.
import { render } from 'ink-testing-library';
import { act, type ReactElement } from 'react';

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  backspace: '\u007f',
  ctrlC: '\u0003',
} as const;

/** Strips SGR sequences. */
export const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

export interface Rendered {
  frame(): string;
  press(...keys: string[]): Promise<string>;
  update(fn: () => void): Promise<string>;
  unmount(): Promise<void>;
}

export async function mount(tree: ReactElement): Promise<Rendered> {
  let r!: ReturnType<typeof render>;
  await act(async () => {
    r = render(tree);
  });
  // Ink 6 with React 19 attaches useInput's listener in an effect: one more turn before keys count.
  await act(async () => {
    await new Promise((res) => setImmediate(res));
  });
  const frame = () => plain(r.lastFrame() ?? '');
  return {
    frame,
    async press(...keys) {
      for (const k of keys)
        await act(async () => {
          r.stdin.write(k);
          await new Promise((res) => setImmediate(res));
        });
      return frame();
    },
    async update(fn) {
      await act(async () => {
        fn();
        await new Promise((res) => setImmediate(res));
      });
      return frame();
    },
    async unmount() {
      await act(async () => {
        r.unmount();
      });
    },
  };
}
