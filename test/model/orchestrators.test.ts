import { describe, expect, it } from 'vitest';
import { findOrchestrators, matchOrchestrator, orchestratorViews, ownerOf, scriptArgument } from '../../src/model/orchestrators.js';
import { RE2JS } from 're2js';
import { indexProcesses } from '../../src/model/process-index.js';
import type { OrchestratorProbe } from '../../src/model/types.js';
import { proc, table, workspace } from './synthetic.js';

describe('orchestrators', () => {
  const procs = table(proc(30, 1, { startTime: 5 }), proc(31, 30), proc(20, 1, { startTime: 1 }), proc(40, 1, { state: 'Z' }), proc(500, 1));
  const probe: OrchestratorProbe = {
    pids: [30, 20, 40, 500, 77],
    how: 'match',
    error: null,
    placements: new Map([[20, { workspace: '/a', realWorkspace: '/real/a', by: 'env' }]]),
  };
  const orchs = findOrchestrators(probe, indexProcesses(procs), new Set([500]));

  it('live candidates that are not ours, oldest first, each with its tree', () => {
    expect(orchs.procs.map((p) => p.pid)).toEqual([20, 30]);
    expect([...orchs.treeOf.get(30)!]).toEqual([30, 31]);
    expect([...orchs.tree].sort()).toEqual([20, 30, 31]);
  });

  it('a workspace is owned by the orchestrator that serves it, or by one whose workspace is unknown', () => {
    expect(ownerOf(orchs, probe, workspace([], { path: '/a', realPath: '/real/a' }))!.pid).toBe(20);
    expect(ownerOf(orchs, probe, workspace([], { path: '/b' }))!.pid).toBe(30);
    expect(ownerOf({ ...orchs, procs: orchs.procs.slice(0, 1) }, probe, workspace([], { path: '/b' }))).toBeNull();
  });

  it('views carry the children, the placement and the project served', () => {
    const v = orchestratorViews(orchs, { fds: new Map(), orchestrator: probe, workspaces: [workspace([], { path: '/a', project: 'alpha' })] }, () => 1.5);
    expect(v.map((o) => [o.pid, o.children, o.workspace, o.project, o.cpu])).toEqual([
      [20, [], '/a', 'alpha', 1.5],
      [30, [31], null, null, 1.5],
    ]);
  });
});

// Rule 5 (issue 12): who the orchestrator is.
describe('which process is the orchestrator', () => {
  // As config.ts compiles --orchestrator-match.
  const re2 = (p: string) => {
    const r = RE2JS.compile(p);
    return { source: p, test: (s: string) => r.test(s) };
  };
  const m = re2('real_mcp_server\\.py');
  it('matches the program and its script argument, never anywhere in the line', () => {
    expect(matchOrchestrator(['python3', '/srv/real_mcp_server.py'], m)).toBe('script');
    expect(matchOrchestrator(['/usr/bin/python3.11', '-u', '-X', 'dev', 'real_mcp_server.py', '--port', '1'], m)).toBe('script');
    expect(matchOrchestrator(['uv', 'run', '--with', 'x', 'real_mcp_server.py'], m)).toBe('script');
    expect(matchOrchestrator(['/opt/real_mcp_server.py', '--stdio'], m)).toBe('program');
    expect(matchOrchestrator(['vim', 'real_mcp_server.py'], m)).toBeNull();
    expect(matchOrchestrator(['grep', 'real_mcp_server.py'], m)).toBeNull();
    expect(matchOrchestrator(['python3', '-c', 'print(1)', 'real_mcp_server.py'], m)).toBeNull();
    expect(matchOrchestrator(['python3', 'other.py', 'real_mcp_server.py'], m)).toBeNull();
    expect(matchOrchestrator(['node', 'agent.js', '--log', '/x/real_mcp_server.py'], m)).toBeNull();
    expect(scriptArgument(['python3', '-m', 'real_mcp_server'])).toBe('real_mcp_server');
  });

  it('a user pattern is matched in linear time: (a+)+$ against a long matching argv finishes', () => {
    const evil = re2('(a+)+$');
    const argv = [`${'a'.repeat(50_000)}!`];
    expect(matchOrchestrator(argv, evil)).toBeNull();
    expect(matchOrchestrator(['a'.repeat(50_000)], evil)).toBe('program');
  });

  it('an ancestor of orch-top that is the orchestrator stays the orchestrator, flagged; orch-top is not in its tree', () => {
    const procs = table(proc(30, 1), proc(31, 30), proc(50, 31), proc(51, 30));
    const probe: OrchestratorProbe = { pids: [30], roots: [30], matchedBy: new Map([[30, 'script']]), how: 'match', error: null };
    const untouchable = new Set([1, 30, 31, 50]);
    const o = findOrchestrators(probe, indexProcesses(procs), untouchable, { pid: 50, ancestors: [31, 30, 1] });
    expect(o.procs.map((p) => p.pid)).toEqual([30]);
    expect([...o.tree].sort()).toEqual([30, 51]);
    const [view] = orchestratorViews(o, { fds: new Map(), orchestrator: probe, workspaces: [] }, () => 0);
    expect(view).toMatchObject({ pid: 30, ancestor: true, matchedBy: 'script', children: [51] });
  });
});
