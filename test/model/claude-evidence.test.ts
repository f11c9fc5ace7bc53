// The claude evidence (issue 14 item 1), as pure rules: a gone pane's process whose
// CLAUDE_CODE_SESSION_ID an agent's stream log names is that agent's leftover, and the other
// processes naming the same gone pane on the same server leak with it; an id no log names, an id two
// agents' logs name, an agent whose session is still live, a pane seen as personal, or a process
// older than the agent is no evidence. One pane id on two servers is two panes.
import { describe, expect, it } from 'vitest';
import type { SeenPane } from '../../src/model/history.js';
import { findLeaks, type LeaksInput } from '../../src/model/leaks.js';
import { indexProcesses } from '../../src/model/process-index.js';
import { indexRegistry } from '../../src/model/registry-index.js';
import type { ClaudeLogSession, EnvTrace, ProcInfo } from '../../src/model/types.js';
import { agent, NOW, proc, table, workspace } from './synthetic.js';

const DIR = '/tmp/tmux-0';
const A = `${DIR}/a`;
const B = `${DIR}/b`;
const SID = '0b7c6f3e-1111-4222-8333-444455556666';
const env = (pane: string, claude: string | null = null, sock = A, server = 900): EnvTrace => ({
  tmux: `${sock},${server},0`,
  tmuxPane: pane,
  workspace: null,
  claudeSession: claude,
});
const logOf = (agentId: string, sessionId = SID): ClaudeLogSession => ({ sessionId, agentId, workspace: '/ws', log: `/ws/logs/${agentId}_stream.jsonl` });

function input(procs: ProcInfo[], envs: [number, EnvTrace][], over: Partial<LeaksInput> = {}): LeaksInput {
  const ws = workspace([agent('builder-1', 'running', { startedAt: new Date(NOW - 3_600_000).toISOString() }), agent('other-2', 'running')]);
  return {
    index: indexProcesses(table(...procs)),
    untouchable: new Set([0, 1, 2]),
    assigned: new Map(),
    orchTree: new Set(),
    env: new Map(envs),
    registry: indexRegistry([ws]),
    livePanes: new Map(),
    liveSessionNames: new Set(),
    servers: new Map([
      [A, { label: '-L a', serverPid: 900 }],
      [B, { label: '-L b', serverPid: 901 }],
    ]),
    socketDir: DIR,
    claudeLogs: [logOf('builder-1')],
    seenPanes: new Map(),
    seenSessions: new Map(),
    ...over,
  };
}

const mcp = proc(20, 1);
const claude = proc(10, 1, { cmdline: ['claude', '--print'] });

describe('claude evidence', () => {
  it("an MCP child of a gone pane whose session id the agent's log names leaks, and its pane mate with it", () => {
    const f = findLeaks(
      input(
        [claude, mcp],
        [
          [10, env('%3')],
          [20, env('%3', SID)],
        ],
      ),
    );
    expect(f.leaked.map((l) => [l.pid, l.agentId, l.server])).toEqual([
      [10, 'builder-1', '-L a'],
      [20, 'builder-1', '-L a'],
    ]);
    expect(f.leaked[1]!.reason).toMatch(/agent builder-1's stream log names its CLAUDE_CODE_SESSION_ID/);
    expect(f.leaked[0]!.reason).toMatch(/names the same gone pane %3 as leaked process 20 of agent builder-1/);
    expect(f.strays).toEqual([]);
  });

  it('the same pane id on another server is another pane: its processes stay untraced', () => {
    const f = findLeaks(
      input(
        [claude, mcp],
        [
          [10, env('%3', null, B, 901)],
          [20, env('%3', SID)],
        ],
      ),
    );
    expect(f.leaked.map((l) => l.pid)).toEqual([20]);
    expect(f.strays.map((s) => s.pid)).toEqual([10]);
  });

  it('an id no log names (an inherited one) is no evidence', () => {
    const f = findLeaks(input([mcp], [[20, env('%3', 'ffffffff-0000-4000-8000-000000000000')]]));
    expect(f.leaked).toEqual([]);
    expect(f.strays.map((s) => s.pid)).toEqual([20]);
  });

  it('nor an id two agents logs name, nor an agent whose session is still live, nor a process older than the agent', () => {
    const both = findLeaks(input([mcp], [[20, env('%3', SID)]], { claudeLogs: [logOf('builder-1'), logOf('other-2')] }));
    expect(both.leaked).toEqual([]);
    const live = findLeaks(input([mcp], [[20, env('%3', SID)]], { liveSessionNames: new Set(['agent_builder-1']) }));
    expect(live.leaked).toEqual([]);
    const older = findLeaks(input([proc(20, 1, { startedAt: NOW - 7_200_000 })], [[20, env('%3', SID)]]));
    expect(older.leaked).toEqual([]);
  });

  it('a pane orch-top saw in a personal session stays personal, whatever id its processes carry', () => {
    const personal: SeenPane = {
      serverPid: 900,
      paneId: '%3',
      sessionId: '$4',
      sessionName: 'me',
      agent: false,
      agentId: null,
      panePid: 5,
      paneStart: 0,
      serverStart: 0,
      lastSeen: NOW,
    };
    const f = findLeaks(input([mcp, proc(900, 1, { startTime: 0 })], [[20, env('%3', SID)]], { seenPanes: new Map([['900:%3', personal]]) }));
    expect(f.leaked).toEqual([]);
    expect(f.strays).toEqual([]);
  });

  it('a process whose pane is live on its server is that session’s, not a leak', () => {
    const f = findLeaks(input([mcp], [[20, env('%3', SID)]], { livePanes: new Map([['900:%3', { sessionId: '$1', server: '-L a', agent: true }]]) }));
    expect(f.leaked).toEqual([]);
    expect([...f.adopted]).toEqual([[20, { sessionId: '$1', server: '-L a' }]]);
  });
});
