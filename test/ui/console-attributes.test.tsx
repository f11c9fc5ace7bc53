// The frames as written, SGR included: the cursor is an inverse bar on exactly its row, a vanished
// row's place is inverse and dim, and without colour the tokens keep their weight (bold, dim,
// inverse) and lose their hue. chalk decides its level at import, so force-color.js comes first.
import './force-color.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeSnapshot, openConsole, pinTime, plain, unmountAll } from './harness.js';

beforeEach(pinTime);
afterEach(async () => {
  await unmountAll();
  vi.useRealTimers();
});

const INVERSE = '\u001b[7m';
const DIM = '\u001b[2m';
const BOLD = '\u001b[1m';
/** Any hue: 30–37, 39, 90–97, 38;…, and their backgrounds. */
const HUE = /\u001b\[(3[0-9]|9[0-7]|4[0-9]|10[0-7])(;[0-9;]*)?m/;

/** The raw lines of the table (below the tab bar, above the event log). */
const tableRows = (raw: string) => {
  const lines = raw.split('\n');
  const end = lines.findIndex((l) => plain(l).startsWith('─ events'));
  return lines.slice(5, end);
};

describe('the cursor', () => {
  it('is an inverse bar across the whole width of its row, on that row only', async () => {
    const c = await openConsole();
    const rows = tableRows(c.raw()).filter((l) => plain(l).trim());
    expect(rows).toHaveLength(3);
    const bars = rows.filter((l) => l.includes(INVERSE));
    expect(bars).toHaveLength(1);
    expect(plain(bars[0]!)).toMatch(/^▶agent_bravo/);
    expect(plain(bars[0]!)).toHaveLength(120);
    expect(bars[0]!.startsWith(INVERSE)).toBe(true);
  });

  it('moves with j and k', async () => {
    const c = await openConsole();
    for (const [key, name] of [
      ['j', 'claude-agent-charlie'],
      ['j', 'agent_alpha'],
      ['k', 'claude-agent-charlie'],
    ] as const) {
      await c.press(key);
      const bars = tableRows(c.raw()).filter((l) => l.includes(INVERSE));
      expect(bars.map((l) => plain(l).slice(1).split(' ')[0])).toEqual([name]);
    }
  });

  it('a vanished row leaves its place inverse and dim, marked ?', async () => {
    const c = await openConsole();
    await c.press('j');
    const s = makeSnapshot();
    await c.update(() => c.store.setState({ snapshot: { ...s, sessions: s.sessions.filter((x) => x.id !== '$3') } }));
    const bars = tableRows(c.raw()).filter((l) => l.includes(INVERSE));
    expect(bars).toHaveLength(1);
    expect(plain(bars[0]!)).toMatch(/^\?agent_alpha/);
    expect(bars[0]).toContain(DIM);
  });

  it('the active tab is inverse too, and moves with the panel', async () => {
    const c = await openConsole();
    const activeTab = () => /\u001b\[7m(?:\u001b\[1m)?([^\u001b]*)/.exec(c.raw().split('\n')[3]!)?.[1];
    expect(activeTab()).toBe(' 1 Sessions 3 ');
    await c.press('3');
    expect(activeTab()).toBe(' 3 Zombies 2 ');
  });
});

describe('colour', () => {
  it('off: no hue anywhere, weights kept (the orphans bold, the rules dim)', async () => {
    const c = await openConsole();
    expect(c.raw()).not.toMatch(HUE);
    const charlie = c
      .raw()
      .split('\n')
      .find((l) => plain(l).startsWith(' claude-agent-charlie'))!;
    expect(charlie).toContain(`${BOLD}orphan`);
    expect(
      c
        .raw()
        .split('\n')
        .find((l) => plain(l).startsWith('─ events')),
    ).toContain(DIM);
  });

  it('on: hues for the severities (the orphan status red)', async () => {
    const c = await openConsole({ color: true });
    expect(c.raw()).toMatch(HUE);
    const charlie = c
      .raw()
      .split('\n')
      .find((l) => plain(l).startsWith(' claude-agent-charlie'))!;
    expect(charlie).toMatch(/\u001b\[31m[^\n]*orphan/);
    // the text is the same either way
    const off = await openConsole({ color: false });
    expect(plain(c.raw())).toBe(plain(off.raw()));
  });

  it('on, a dialog has a coloured border; off, a plain one', async () => {
    const on = await openConsole({ color: true });
    await on.press('K');
    expect(
      on
        .raw()
        .split('\n')
        .find((l) => plain(l).startsWith('╭')),
    ).toMatch(HUE);
    await on.unmount();
    const off = await openConsole();
    await off.press('K');
    expect(
      off
        .raw()
        .split('\n')
        .find((l) => plain(l).startsWith('╭')),
    ).not.toMatch(HUE);
  });
});
