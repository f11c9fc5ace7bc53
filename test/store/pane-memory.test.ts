// The pane memory kept between runs: what it keeps, what it refuses (another boot, stale, corrupt).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyHistory, type SeenPane } from '../../src/model/classify.js';
import { loadPaneMemory, PANE_MEMORY_MS, paneMemoryPath, savePaneMemory } from '../../src/store/pane-memory.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-mem-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_800_000_000_000;
const BOOT = 1_799_000_000_000;
const pane = (id: string, lastSeen: number): SeenPane => ({
  serverPid: 900,
  paneId: id,
  sessionId: '$1',
  sessionName: 'agent_x',
  agent: true,
  agentId: 'x',
  panePid: 123,
  paneStart: 4567,
  serverStart: 12,
  lastSeen,
});

describe('pane memory', () => {
  it('round-trips what was seen in the last day, mode 0600, under $XDG_STATE_HOME', () => {
    const path = paneMemoryPath({ XDG_STATE_HOME: dir });
    expect(path).toBe(join(dir, 'orch-top', 'panes.json'));
    const h = emptyHistory();
    h.panes.set('900:%1', pane('%1', NOW - 1000));
    h.panes.set('900:%2', pane('%2', NOW - PANE_MEMORY_MS - 1));
    h.sessions.set('900:$1', { serverPid: 900, sessionId: '$1', sessionName: 'agent_x', agent: true, agentId: 'x', lastSeen: NOW - 1000 });
    expect(savePaneMemory(path, h, BOOT, NOW)).toBeNull();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const back = loadPaneMemory(path, BOOT, NOW);
    expect([...back.panes.keys()]).toEqual(['900:%1']);
    expect(back.panes.get('900:%1')).toEqual(pane('%1', NOW - 1000));
    expect([...back.sessions.keys()]).toEqual(['900:$1']);
  });

  it('a file from before start times were kept loads them as unknown; a start time that is not a number drops the entry', () => {
    const path = join(dir, 'panes.json');
    const { paneStart: _p, serverStart: _s, ...old } = pane('%1', NOW - 1000);
    const bad = { ...pane('%2', NOW - 1000), paneStart: 'soon' };
    writeFileSync(path, JSON.stringify({ version: 1, bootTime: BOOT, savedAt: NOW, panes: [old, bad], sessions: [] }));
    const back = loadPaneMemory(path, BOOT, NOW);
    expect([...back.panes.keys()]).toEqual(['900:%1']);
    expect(back.panes.get('900:%1')).toMatchObject({ paneStart: null, serverStart: null });
  });

  it('forgets everything after a reboot: a reused server pid must not inherit old panes', () => {
    const path = join(dir, 'panes.json');
    const h = emptyHistory();
    h.panes.set('900:%1', pane('%1', NOW));
    savePaneMemory(path, h, BOOT, NOW);
    expect(loadPaneMemory(path, BOOT + 60_000, NOW).panes.size).toBe(0);
  });

  it('a missing, corrupt or foreign file is an empty memory, and an unwritable one is reported, not thrown', () => {
    expect(loadPaneMemory(join(dir, 'none.json'), BOOT, NOW).panes.size).toBe(0);
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(loadPaneMemory(join(dir, 'bad.json'), BOOT, NOW).panes.size).toBe(0);
    writeFileSync(join(dir, 'odd.json'), JSON.stringify({ version: 1, bootTime: BOOT, savedAt: NOW, panes: [{ paneId: 5 }, pane('%3', NOW)], sessions: 'x' }));
    expect(loadPaneMemory(join(dir, 'odd.json'), BOOT, NOW).panes.size).toBe(0);
    writeFileSync(join(dir, 'file'), 'x');
    expect(savePaneMemory(join(dir, 'file', 'panes.json'), emptyHistory(), BOOT, NOW)).toMatch(/^could not save the pane memory/);
  });
});
