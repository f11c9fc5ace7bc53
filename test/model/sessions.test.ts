import { describe, expect, it } from 'vitest';
import { indexProcesses } from '../../src/model/process-index.js';
import { indexRegistry } from '../../src/model/registry-index.js';
import { finishSessions, findSessions, orphanReasons, withAdopted, type SessionsInput } from '../../src/model/sessions.js';
import { agent, pane, proc, table, view, workspace } from './synthetic.js';

const owner = proc(30, 1);
function input(over: Partial<SessionsInput> = {}): SessionsInput {
  const procs = table(proc(100, 900), proc(101, 100, { sid: 100 }), proc(102, 1, { sid: 100 }), proc(103, 102, { sid: 100 }), proc(200, 900), proc(300, 900));
  return {
    servers: [
      {
        label: '-L x',
        socketPath: '/tmp/tmux-0/x',
        serverPid: 900,
        trusted: true,
        panes: [pane('$1', 'claude-agent-1', 100, '%1'), pane('$2', 'agent_x', 200, '%2'), pane('$3', 'personal', 300, '%3')],
      },
    ],
    index: indexProcesses(procs),
    untouchable: new Set([0, 1, 2]),
    registry: indexRegistry([workspace([agent('x', 'completed')])]),
    registryWhole: true,
    prefixes: ['claude-agent-'],
    ownerOf: () => owner,
    ...over,
  };
}

describe('findSessions', () => {
  it('agent sessions by prefix or registry, with pane trees and same-SID members; others only counted', () => {
    const f = findSessions(input());
    expect(f.drafts.map((d) => [d.view.id, d.view.matchedBy, [...d.pids]])).toEqual([
      ['$1', 'prefix', [100, 101, 102, 103]],
      ['$2', 'registry', [200]],
    ]);
    expect(f.assigned.get(102)).toEqual({ sessionId: '$1', server: '-L x', role: 'session-member' });
    expect(f.assigned.get(101)?.role).toBe('descendant');
    expect(f.otherSessions).toBe(1);
    expect(f.livePanes.get('900:%3')).toEqual({ sessionId: '$3', server: '-L x', agent: false });
    expect([...f.liveSessionNames]).toEqual(['claude-agent-1', 'agent_x', 'personal']);
  });

  it('orphans and why: a prefix session no registry knows; a terminal registry status', () => {
    const f = findSessions(input());
    expect(f.drafts.map((d) => d.view.reason)).toEqual(['not in any registry', 'registry says completed']);
    expect(f.drafts[1]!.view.agent?.agentId).toBe('x');
  });

  it('no orchestrator, dead panes, and a registry read in part (no "unknown" then)', () => {
    const p = [pane('$1', 'claude-agent-1', 100, '%1', { paneDead: true })];
    expect(orphanReasons(p, null, true, null, false)).toEqual(['orchestrator-down', 'panes-dead']);
    expect(
      orphanReasons(
        p.map((x) => ({ ...x, paneDead: false })),
        null,
        true,
        owner,
        true,
      ),
    ).toEqual(['unknown-to-registry']);
  });

  it('adopts the processes the leak trace found in a live agent pane, and sums figures per session', () => {
    const f = findSessions(input());
    const { drafts, assigned } = withAdopted(f, new Map([[555, { sessionId: '$2', server: '-L x' }]]));
    expect(assigned.get(555)).toEqual({ sessionId: '$2', server: '-L x', role: 'session-member' });
    expect(f.assigned.has(555)).toBe(false);
    const views = new Map([
      [200, view(200, { cpu: 1, rss: 10, fds: 3 })],
      [555, view(555, { cpu: 2, rss: 5, fds: null })],
    ]);
    const s = finishSessions(drafts, views).find((x) => x.id === '$2')!;
    expect([s.processes, s.cpu, s.rss, s.fds]).toEqual([[200, 555], 3, 15, 3]);
  });
});
