import { describe, expect, it } from 'vitest';
import type { SeenPane } from '../../src/model/history.js';
import { findLeaks, insidePaneLife, mentions, parseTmuxEnv, type LeaksInput } from '../../src/model/leaks.js';
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
  paneStart: 0,
  serverStart: 0,
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
    servers: new Map([[SOCK, { label: '-L x', serverPid: SERVER }]]),
    socketDir: null,
    claudeLogs: [],
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
        livePanes: new Map([[`${SERVER}:%1`, { sessionId: '$1', server: '-L x', agent: true }]]),
        seenPanes: new Map([[`${SERVER}:%5`, seen('%5', 77, { agent: false })]]),
      }),
    );
    expect([...f.adopted]).toEqual([[10, { sessionId: '$1', server: '-L x' }]]);
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
    const reg = indexRegistry([workspace([agent('a', 'completed', { claudePid: 20, startedAt: started, completedAt: new Date(NOW - 1000).toISOString() })])]);
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

// Rule 3 (issue 12): a pid alone is never evidence; every remembered pid is tied to a start time.
describe('evidence that survives pid reuse', () => {
  const pane77 = (over: Partial<SeenPane> = {}) => new Map([[`${SERVER}:%5`, seen('%5', 77, { paneStart: 770, lastSeen: NOW - 30_000, ...over })]]);
  const bySid = (p: ProcInfo, over: Partial<SeenPane> = {}) => findLeaks(input([p], { seenPanes: pane77(over) })).leaked.map((l) => l.pid);

  it('a session id counts only for a process started inside the part of the pane s life orch-top saw', () => {
    expect(bySid(proc(10, 1, { sid: 77, startTime: 800, startedAt: NOW - 40_000 }))).toEqual([10]);
    // Started before the pane process did: the pid 77 it names was someone else's then.
    expect(bySid(proc(10, 1, { sid: 77, startTime: 700, startedAt: NOW - 40_000 }))).toEqual([]);
    // Started after the last look that saw the pane alive: it may lead or join a reused pid's session.
    expect(bySid(proc(10, 1, { sid: 77, startTime: 900, startedAt: NOW - 10_000 }))).toEqual([]);
    // A pane remembered without its start time (an old pane memory file) gives no session-id evidence.
    expect(bySid(proc(10, 1, { sid: 77, startTime: 800, startedAt: NOW - 40_000 }), { paneStart: null })).toEqual([]);
  });

  it('TMUX_PANE needs the same server by pid and start time, and no time bound', () => {
    const run = (p: ProcInfo, server: ProcInfo[], over: Partial<SeenPane> = {}) => {
      const f = findLeaks(input([p, ...server], { env: new Map([[p.pid, tmuxEnv('%5')]]), seenPanes: pane77({ serverStart: 50, ...over }) }));
      return { leaked: f.leaked.map((l) => l.pid), strays: f.strays.map((l) => l.pid) };
    };
    // Started long after the pane was last seen: pane ids are never reused by one server, so it counts.
    expect(run(proc(10, 1, { startTime: 5000, startedAt: NOW }), [proc(SERVER, 1, { startTime: 50 })])).toEqual({ leaked: [10], strays: [] });
    // The server is gone: still that server's, since the process started after it did.
    expect(run(proc(10, 1, { startTime: 5000, startedAt: NOW }), [])).toEqual({ leaked: [10], strays: [] });
    // Another process holds the server's pid now and the process is younger: its $TMUX may name the newcomer.
    expect(run(proc(10, 1, { startTime: 5000 }), [proc(SERVER, 1, { startTime: 4000 })])).toEqual({ leaked: [], strays: [10] });
    expect(run(proc(10, 1, { startTime: 3000 }), [proc(SERVER, 1, { startTime: 4000 })])).toEqual({ leaked: [10], strays: [] });
    // Server start unknown (an old pane memory file): not evidence.
    expect(run(proc(10, 1, { startTime: 5000 }), [], { serverStart: null })).toEqual({ leaked: [], strays: [10] });
  });

  it('a recorded pid counts only inside the agent s life; a ghost s not after its session was last seen', () => {
    const started = new Date(NOW - 600_000).toISOString();
    const reg = (over = {}) => indexRegistry([workspace([agent('a', 'running', { claudePid: 20, startedAt: started, ...over })])]);
    const sessions = (lastSeen: number) =>
      new Map([[`${SERVER}:$9`, { serverPid: SERVER, sessionId: '$9', sessionName: 'agent_a', agent: true, agentId: 'a', lastSeen }]]);
    const run = (p: ProcInfo, registry = reg(), seenSessions = sessions(NOW - 300_000)) =>
      findLeaks(input([p], { registry, seenSessions })).leaked.map((l) => l.pid);
    expect(run(proc(20, 1, { startedAt: NOW - 400_000 }))).toEqual([20]);
    expect(run(proc(20, 1, { startedAt: NOW - 100_000 }))).toEqual([]); // after its session was last seen: a reused pid
    expect(run(proc(20, 1, { startedAt: NOW - 400_000 }), reg(), new Map())).toEqual([]); // never seen: no bound, no evidence
    expect(run(proc(20, 1, { startedAt: NOW - 700_000 }))).toEqual([]); // older than the agent
    const ended = reg({ completedAt: new Date(NOW - 200_000).toISOString() });
    expect(run(proc(20, 1, { startedAt: NOW - 250_000 }), ended, new Map())).toEqual([20]);
    expect(run(proc(20, 1, { startedAt: NOW - 100_000 }), ended, new Map())).toEqual([]);
  });
});

// Rule 4 (issue 12): evidence comes from the pane; a command line that names an agent is not enough.
describe('evidence comes from the pane', () => {
  it('a leftover of an unseen pane whose command line names an agent is a stray, never leaked', () => {
    const reg = indexRegistry([workspace([agent('abc123', 'completed')])]);
    const tail = proc(10, 1, { cmdline: ['tail', '-f', '/home/me/abc123.jsonl'] });
    const f = findLeaks(input([tail], { registry: reg, env: new Map([[10, tmuxEnv('%40')]]) }));
    expect(f.leaked).toEqual([]);
    expect(f.strays.map((s) => [s.pid, s.agentId])).toEqual([[10, null]]);
    expect(f.strays[0]!.reason).toBe(
      "its pane %40 on this server is gone; no agent could be traced; its command line names agent abc123, but nothing ties it to that agent's pane",
    );
  });

  it('a leftover of a personal pane orch-top saw is nobody s, whatever its command line names', () => {
    const reg = indexRegistry([workspace([agent('abc123', 'completed')])]);
    const tail = proc(10, 1, { cmdline: ['tail', '-f', 'abc123.jsonl'] });
    const f = findLeaks(
      input([tail], { registry: reg, env: new Map([[10, tmuxEnv('%40')]]), seenPanes: new Map([[`${SERVER}:%40`, seen('%40', 5, { agent: false })]]) }),
    );
    expect([...f.leaked, ...f.strays]).toEqual([]);
  });
});

describe('insidePaneLife: the part of a pane life orch-top saw, on the start-time clock', () => {
  const started = (startTime: number, startedAt: number) => ({ startTime, startedAt }) as Parameters<typeof insidePaneLife>[0];
  it('takes a process started between the pane process and the last look that saw the pane', () => {
    expect(insidePaneLife(started(150, 0), { paneStart: 100, lastSeen: 0, lastSeenTicks: 200 })).toBe(true);
  });
  it('refuses one started after that look, however close the wall clock says it is', () => {
    // startedAt (boot time in whole seconds + ticks) may read earlier than the look's wall clock.
    expect(insidePaneLife(started(201, 1_000), { paneStart: 100, lastSeen: 1_500, lastSeenTicks: 200 })).toBe(false);
  });
  it('refuses one older than the pane process, and any when the pane process start is unknown', () => {
    expect(insidePaneLife(started(99, 0), { paneStart: 100, lastSeen: 0, lastSeenTicks: 200 })).toBe(false);
    expect(insidePaneLife(started(150, 0), { paneStart: null, lastSeen: 0, lastSeenTicks: 200 })).toBe(false);
  });
  it('without the look on the start-time clock, keeps a second of margin on the wall clock', () => {
    expect(insidePaneLife(started(150, 10_000), { paneStart: 100, lastSeen: 10_500 })).toBe(false);
    expect(insidePaneLife(started(150, 10_000), { paneStart: 100, lastSeen: 11_500 })).toBe(true);
  });
});
