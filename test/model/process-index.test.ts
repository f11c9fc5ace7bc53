import { describe, expect, it } from 'vitest';
import { childrenOf, commandOf, descendantsOf, indexProcesses, isSessionLeaderAlive, neverTouch, selfAndAncestors } from '../../src/model/process-index.js';
import { proc, table } from './synthetic.js';

describe('process index', () => {
  const procs = table(proc(10, 1), proc(11, 10, { sid: 10 }), proc(12, 11, { sid: 10 }), proc(13, 10, { sid: 10 }), proc(20, 1, { sid: 10 }));

  it('children by parent and members by session id', () => {
    const ix = indexProcesses(procs);
    expect(ix.children.get(10)).toEqual([11, 13]);
    expect(ix.bySid.get(10)).toEqual([10, 11, 12, 13, 20]);
  });

  it('walks descendants breadth first, each once, even when the table loops', () => {
    expect(descendantsOf(indexProcesses(procs).children, 10)).toEqual([11, 13, 12]);
    const loop = childrenOf([
      { pid: 1, ppid: 2 },
      { pid: 2, ppid: 1 },
      { pid: 3, ppid: 2 },
    ]);
    expect(descendantsOf(loop, 1)).toEqual([2, 3]);
    expect(descendantsOf(loop, 99)).toEqual([]);
  });

  it('never touches init, kthreadd, orch-top and its ancestors, or any watched tmux server', () => {
    const s = neverTouch({ self: { pid: 500, ancestors: [400, 1] }, tmux: [{ serverPid: 900 }, { serverPid: 901 }] as never });
    expect([...s].sort((a, b) => a - b)).toEqual([0, 1, 2, 400, 500, 900, 901]);
  });

  it('selfAndAncestors follows ppids up to init and stops on a loop', () => {
    const ppids = new Map([
      [500, 400],
      [400, 300],
      [300, 1],
      [1, 0],
    ]);
    expect(selfAndAncestors((p) => ppids.get(p), { pid: 500, ppid: 400 })).toEqual({ pid: 500, ancestors: [400, 300, 1] });
    const loop = new Map([
      [500, 400],
      [400, 401],
      [401, 400],
    ]);
    expect(selfAndAncestors((p) => loop.get(p), { pid: 500, ppid: 400 }).ancestors).toEqual([400, 401]);
    // An unreadable table falls back on the known parent.
    expect(selfAndAncestors(() => undefined, { pid: 500, ppid: 400 }).ancestors).toEqual([400]);
  });

  it('commandOf shows argv, or [comm] for kernel threads and zombies; a session leader is alive unless a zombie', () => {
    expect(commandOf(proc(1, 0, { cmdline: ['a', 'b'] }))).toBe('a b');
    expect(commandOf(proc(1, 0, { cmdline: [], comm: 'kworker' }))).toBe('[kworker]');
    expect(isSessionLeaderAlive(table(proc(10, 1)), 10)).toBe(true);
    expect(isSessionLeaderAlive(table(proc(10, 1, { state: 'Z' })), 10)).toBe(false);
    expect(isSessionLeaderAlive(table(proc(10, 1, { sid: 9 })), 10)).toBe(false);
  });
});
