// Rule 2, the server's identity (pure): the pid a tmux answer names must be the server that owns the
// socket (a live process, a tmux, run by the socket file's owner). A server that fails it is an error
// line, none of its sessions is an agent session, and nothing of it is judged a leftover: a reap of
// that look kills nothing. The pane's command comes from /proc, never from tmux.
import { describe, expect, it } from 'vitest';
import { classify, DEFAULT_CLASSIFY, emptyHistory } from '../../src/model/classify.js';
import { makePlan } from '../../src/model/plan.js';
import type { ProcInfo, RawWorld } from '../../src/model/types.js';
import { NOW, pane, proc, table } from '../model/synthetic.js';

const SOCK = '/tmp/tmux-0/attack';
const SERVER = 900;

function world(server: ProcInfo | null, socketUid: number | null = 0): RawWorld {
  const procs = [proc(1, 0), proc(50, 1, { comm: 'orch-top' }), proc(101, SERVER, { cmdline: ['claude', '--task', 'x'] }), ...(server ? [server] : [])];
  return {
    takenAt: NOW,
    tmux: [
      {
        label: '-L attack',
        stale: false,
        server: { socketName: 'attack' },
        available: true,
        running: true,
        socketPath: SOCK,
        serverPid: SERVER,
        socketUid,
        error: null,
        panes: [pane('$1', 'claude-agent-1', 101, '%1')],
      },
    ],
    procs: { takenAt: NOW, clockTicks: 100, source: 'procfs', procs: table(...procs) },
    env: new Map([[101, { tmux: `${SOCK},${SERVER},1`, tmuxPane: '%1', workspace: null }]]),
    fds: new Map(),
    workspaces: [],
    orchestrator: { pids: [], how: 'match', error: null },
    self: { pid: 50, ancestors: [1] },
    errors: [],
  };
}
const cfg = { ...DEFAULT_CLASSIFY, prefixes: ['claude-agent-'], socketPath: SOCK };
const tmuxServer = (over: Partial<ProcInfo> = {}) => proc(SERVER, 1, { comm: 'tmux: server', uid: 0, ...over });

describe('the server that owns the socket', () => {
  it('a real server: its prefixed session is an (orphan) agent session, the pane command read from /proc', () => {
    const snap = classify(world(tmuxServer()), cfg, emptyHistory());
    expect(snap.tmux[0]!.error).toBeNull();
    expect(snap.sessions.map((s) => [s.name, s.status])).toEqual([['claude-agent-1', 'orphan']]);
    expect(snap.sessions[0]!.panes[0]!.command).toBe('claude --task x');
  });

  it.each([
    ['not a live process', null, 0, /is not a live process/],
    ['a zombie', tmuxServer({ state: 'Z' }), 0, /is not a live process/],
    ['not a tmux', tmuxServer({ comm: 'sleep' }), 0, /is not a tmux/],
    ["another uid than the socket's owner", tmuxServer({ uid: 1000 }), 0, /runs as uid 1000, the socket belongs to uid 0/],
    ['a socket whose owner is unknown', tmuxServer(), null, /cannot be matched/],
  ])('a server pid that is %s: an error line, no agent session, nothing to reap', (_, server, uid, why) => {
    const snap = classify(world(server, uid), cfg, emptyHistory());
    expect(snap.tmux[0]!.error).toMatch(why);
    expect(snap.errors.join('\n')).toMatch(why);
    expect(snap.sessions).toEqual([]);
    expect(snap.tmux[0]!.otherSessions).toBe(1);
    expect(snap.leaked).toEqual([]);
    expect(makePlan(snap, { kind: 'reap' }, { graceMs: 1000, server: { socketName: 'attack' } }).steps).toEqual([]);
  });

  it('a look whose tmux answer was dropped in part (an error) judges no session and no leftover', () => {
    const w = world(tmuxServer());
    w.tmux[0]!.error = 'tmux list-panes: 1 line(s) did not validate and were dropped';
    const hist = emptyHistory();
    hist.panes.set(`${SERVER}:%1`, {
      serverPid: SERVER,
      paneId: '%1',
      panePid: 101,
      sessionId: '$1',
      sessionName: 'claude-agent-1',
      agentId: null,
      agent: true,
      lastSeen: NOW - 1000,
      firstSeen: NOW - 60_000,
    } as never);
    const snap = classify(w, cfg, hist);
    expect(snap.sessions).toEqual([]);
    expect(snap.leaked).toEqual([]);
  });
});
