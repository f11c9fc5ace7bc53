import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFY } from '../../src/model/classify-config.js';
import { advanceHistory, emptyHistory, nextSeries } from '../../src/model/history.js';
import type { RawWorld } from '../../src/model/types.js';
import { NOW, pane, proc, session, snapshot, table, view } from './synthetic.js';

function raw(over: Partial<RawWorld> = {}): RawWorld {
  return {
    takenAt: NOW,
    tmux: [
      {
        label: '-L x',
        stale: false,
        server: {},
        available: true,
        running: true,
        socketPath: '/s',
        socketUid: 0,
        serverPid: 900,
        error: null,
        panes: [pane('$1', 'claude-agent-1', 100, '%1'), pane('$2', 'mine', 200, '%2')],
      },
    ],
    procs: { takenAt: NOW, clockTicks: 100, source: 'procfs', procs: table(proc(100, 900, { cpuTicks: 42 })) },
    env: new Map(),
    fds: new Map(),
    workspaces: [],
    orchestrator: { pids: [], how: 'match', error: null },
    self: { pid: 5, ancestors: [1] },
    errors: [],
    ...over,
  };
}

describe('history', () => {
  it('keeps a bounded series; an unread count adds nothing', () => {
    expect(
      nextSeries(
        [
          { t: 1, n: 1 },
          { t: 2, n: 2 },
        ],
        3,
        3,
        2,
      ),
    ).toEqual([
      { t: 2, n: 2 },
      { t: 3, n: 3 },
    ]);
    expect(nextSeries([{ t: 1, n: 1 }], null, 3, 2)).toEqual([{ t: 1, n: 1 }]);
  });

  it('remembers CPU ticks, every pane seen (agent or not), and forgets what is older than the retention', () => {
    const h0 = emptyHistory();
    h0.panes.set('900:%old', {
      serverPid: 900,
      paneId: '%old',
      sessionId: '$0',
      sessionName: 'x',
      agent: true,
      agentId: null,
      panePid: 7,
      lastSeen: NOW - DEFAULT_CLASSIFY.paneRetentionMs - 1,
    });
    const snap = snapshot({ sessions: [session('$1', 'claude-agent-1')], processes: [view(100)] });
    const h = advanceHistory(h0, raw(), snap, DEFAULT_CLASSIFY);
    expect(h.cpu.get('100:1000')).toEqual({ ticks: 42, at: NOW });
    expect([...h.panes.keys()]).toEqual(['900:%1', '900:%2']);
    expect(h.panes.get('900:%1')).toMatchObject({ agent: true, panePid: 100, sessionName: 'claude-agent-1' });
    expect(h.sessions.get('900:$2')).toMatchObject({ agent: false });
  });
});
