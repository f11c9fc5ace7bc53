import { describe, expect, it } from 'vitest';
import type { SeenPane } from '../../src/model/history.js';
import { findLeaks, mentions, parseTmuxEnv, type LeaksInput } from '../../src/model/leaks.js';
import { indexProcesses } from '../../src/model/process-index.js';
import { indexRegistry } from '../../src/model/registry-index.js';
import type { EnvTrace, ProcInfo } from '../../src/model/types.js';
import { agent, NOW, proc, table, workspace } from './synthetic.js';

const SOCK = '/tmp/tmux-0/x';
const SERVER = 900;
const tmuxEnv = (paneId: string, server = SERVER, sock = SOCK): EnvTrace => ({ tmux: `${sock},${server},0`, tmuxPane: paneId, workspace: null });
const seen = (paneId: string, panePid: number, over: Partial<SeenPane> = {}): SeenPane => ({
  serverPid: SERVER,
  paneId,
  sessionId: '$9',
  sessionName: 'claude-agent-9',
  agent: true,
  agentId: null,
  panePid,
  lastSeen: NOW,
  ...over,
});

function input(procs: ProcInfo[], over: Partial<LeaksInput> = {}): LeaksInput {
  return {
    index: indexProcesses(table(...procs)),
    untouchable: new Set([0, 1, 2]),
    assigned: new Map(),
    orchTree: new Set(),
    env: new Map(),
    registry: indexRegistry([]),
    livePanes: new Map(),
    liveSessionNames: new Set(),
    serverPid: SERVER,
    socketPath: SOCK,
    seenPanes: new Map(),
    seenSessions: new Map(),
    ...over,
  };
}

describe('findLeaks', () => {
  it('a process whose $TMUX_PANE names a gone agent pane leaks, with its children', () => {
    const f = findLeaks(input([proc(10, 1), proc(11, 10)], { env: new Map([[10, tmuxEnv('%5')]]), seenPanes: new Map([[`${SERVER}:%5`, seen('%5', 77)]]) }));
    expect(f.leaked.map((l) => [l.pid, l.reason])).toEqual([
      [10, 'its pane %5 of claude-agent-9 is gone'],
      [11, 'child of leaked process 10'],
    ]);
    expect([...f.leakedPids]).toEqual([10, 11]);
  });

  it('one whose pane is still live joins that agent session; a personal pane leftover is nobody s', () => {
    const f = findLeaks(
      input([proc(10, 1), proc(12, 1)], {
        env: new Map([
          [10, tmuxEnv('%1')],
          [12, tmuxEnv('%5')],
        ]),
        livePanes: new Map([['%1', { sessionId: '$1', agent: true }]]),
        seenPanes: new Map([[`${SERVER}:%5`, seen('%5', 77, { agent: false })]]),
      }),
    );
    expect([...f.adopted]).toEqual([[10, '$1']]);
    expect(f.leaked).toEqual([]);
    expect(f.strays).toEqual([]);
  });

  it('an untraceable leftover of a gone pane is a stray; another server s panes are not ours', () => {
    const f = findLeaks(
      input([proc(10, 1), proc(11, 1)], {
        env: new Map([
          [10, tmuxEnv('%5')],
          [11, tmuxEnv('%5', 1, '/tmp/other')],
        ]),
      }),
    );
    expect(f.strays.map((s) => s.pid)).toEqual([10]);
    expect(f.leaked).toEqual([]);
  });

  it('a cleared environment: the session id of a gone agent pane; a recorded pid within the agent s life', () => {
    const started = new Date(NOW - 120_000).toISOString();
    const reg = indexRegistry([workspace([agent('a', 'completed', { claudePid: 20, startedAt: started })])]);
    const f = findLeaks(
      input([proc(10, 1, { sid: 77 }), proc(20, 1), proc(21, 1, { startedAt: NOW - 600_000 })], { registry: reg, seenPanes: new Map([['k', seen('%5', 77)]]) }),
    );
    expect(f.leaked.map((l) => [l.pid, l.reason])).toEqual([
      [10, 'its session id 77 was the pane process of claude-agent-9, which is gone'],
      [20, 'recorded as claude_pid of agent a, whose session agent_a is gone'],
    ]);
  });

  it('skips what a session holds, the orchestrators, the untouchable, kernel threads and zombies', () => {
    const env = new Map([10, 11, 12, 13, 14].map((p) => [p, tmuxEnv('%5')] as const));
    const f = findLeaks(
      input([proc(10, 1), proc(11, 1), proc(12, 1), proc(13, 2), proc(14, 1, { state: 'Z' })], {
        env,
        assigned: new Map([[10, 1]]),
        orchTree: new Set([11]),
        untouchable: new Set([12]),
      }),
    );
    expect([...f.leaked, ...f.strays]).toEqual([]);
  });

  it('parses $TMUX and finds whole-word mentions only', () => {
    expect(parseTmuxEnv('/tmp/a,b,12,3')).toEqual({ socketPath: '/tmp/a,b', serverPid: 12, sessionIndex: 3 });
    expect(parseTmuxEnv('junk')).toBeNull();
    expect(mentions(['--agent=abc'], ['abc'])).toBe(true);
    expect(mentions(['abcd'], ['abc'])).toBe(false);
  });
});
