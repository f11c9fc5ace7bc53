import { describe, expect, it } from 'vitest';
import { findOrchestrators, orchestratorViews, ownerOf } from '../../src/model/orchestrators.js';
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
