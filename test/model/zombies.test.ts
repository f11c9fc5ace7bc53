import { describe, expect, it } from 'vitest';
import { findZombies, type ZombiesInput } from '../../src/model/zombies.js';
import { NOW, proc, table } from './synthetic.js';

const SERVER = 900;
function input(over: Partial<ZombiesInput> = {}): ZombiesInput {
  return {
    procs: table(
      proc(100, 1),
      proc(101, 100, { state: 'Z', comm: 'sh' }),
      proc(800, 1),
      proc(801, 800, { state: 'Z' }),
      proc(SERVER, 1),
      proc(150, SERVER, { state: 'Z' }),
      proc(160, SERVER, { state: 'Z' }),
    ),
    serverPids: new Set([SERVER]),
    livePanePids: [150],
    seenPanes: [],
    sessionOf: (pid) => (pid === 100 ? { sessionId: '$1', server: '-L x' } : null),
    inScope: (pid) => pid === 100,
    ...over,
  };
}

describe('findZombies', () => {
  it('every zombie with its parent; in scope first; the server s only when it is a dead agent pane', () => {
    const z = findZombies(input());
    expect(z.map((x) => [x.pid, x.ppid, x.parentInScope, x.parentIsTmuxServer, x.sessionId])).toEqual([
      [101, 100, true, false, '$1'],
      [150, SERVER, true, true, null],
      [801, 800, false, false, null],
      [160, SERVER, false, true, null],
    ]);
    expect(z[0]).toMatchObject({ command: '[sh]', parentCommand: '/bin/p100', parentStartTime: 1000 });
  });

  it('a pane seen earlier on this server counts as an agent pane', () => {
    const seen = [{ serverPid: SERVER, paneId: '%6', sessionId: '$6', sessionName: 'a', agent: true, agentId: null, panePid: 160, lastSeen: NOW }];
    expect(findZombies(input({ seenPanes: seen })).find((x) => x.pid === 160)!.parentInScope).toBe(true);
    expect(findZombies(input({ serverPids: new Set() })).find((x) => x.pid === 150)!.parentInScope).toBe(false);
  });
});
