// Component tests run with React's act environment on, and fail on act() warnings: an update that
// escaped act() is a state change the test did not wait for (STYLE.md, "Tests"). Every test that
// renders wraps render, key presses, store updates and unmount in act() (test/ui/harness.tsx).
// Node-only test files render nothing, so the spy never fires for them.
import { afterEach, beforeEach, expect } from 'vitest';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let warnings: string[] = [];
const original = console.error;
beforeEach(() => {
  warnings = [];
  console.error = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (/not wrapped in act|act\(\.\.\.\)/.test(text)) warnings.push(text.split('\n')[0]!);
    original(...args);
  };
});
afterEach(() => {
  console.error = original;
  expect(warnings, 'React act() warnings: an update escaped act()').toEqual([]);
});
