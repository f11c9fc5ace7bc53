// The console and resource limits: an agent over a limit has the figure's cell marked "!" (toned by
// hard or soft), its WHY says which limit and by how much, Enter lists each limit, and the header
// counts them (and says nothing of limits while none is exceeded).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OverLimitView } from '../../src/model/types.js';
import { KEY, lineWith, makeSnapshot, openConsole, pinTime, unmountAll } from './harness.js';

beforeEach(pinTime);
afterEach(async () => {
  await unmountAll();
  vi.useRealTimers();
});

const over = (limit: OverLimitView['limit'], hard: boolean, reason: string): OverLimitView => ({
  sessionId: '$1',
  server: 'default',
  sessionName: 'agent_alpha',
  agentId: 'alpha',
  project: 'payments-api',
  agentType: null,
  limit,
  hard,
  value: 2,
  max: 1,
  unit: limit === 'maxRss' ? 'bytes' : 'ms',
  by: 1,
  since: null,
  forMs: 0,
  reason,
});

function overSnapshot() {
  const base = makeSnapshot();
  const overLimit = [over('maxRss', true, 'maxRss 300 MiB > 100 MiB, by 200 MiB, for 12s'), over('maxIdle', false, 'maxIdle idle 40m (max 30m)')];
  return { ...base, overLimit, summary: { ...base.summary, overLimit: 2, findings: base.summary.findings + 2 } };
}

describe('limits in the console', () => {
  it('the header counts agents over a limit only when there are some', async () => {
    const quiet = await openConsole();
    expect(quiet.lines()[1]).not.toContain('over limit');
    await quiet.unmount();
    const c = await openConsole({ snap: overSnapshot() });
    expect(c.lines()[1]).toBe('3 agent sessions (+1 other) · 2 orphans · 1 leaked · 1 zombie · 0 ghosts · 1 fd leak · 2 over limit');
  });

  it("the agent's row: RSS and CPU% cells marked, WHY names the limits; other rows unmarked", async () => {
    const c = await openConsole({ snap: overSnapshot() });
    const row = lineWith(c.frame(), 'agent_alpha');
    expect(row).toMatch(/active +over maxRss 300 MiB > 100/);
    const cells = row.trim().split(/\s+/);
    expect(cells.filter((x) => x.endsWith('!'))).toHaveLength(2);
    expect(lineWith(c.frame(), 'agent_bravo')).not.toContain('!');
  });

  it('Enter on it lists each limit, hard or soft', async () => {
    const c = await openConsole({ snap: overSnapshot() });
    await c.press(KEY.down);
    await c.press(KEY.down);
    const f = await c.press(KEY.enter);
    expect(f).toContain('over limit (hard: --reap --enforce-limits ends it): maxRss 300 MiB > 100 MiB, by 200 MiB, for 12s');
    expect(f).toContain('over limit (soft: reported only): maxIdle idle 40m (max 30m)');
  });
});
