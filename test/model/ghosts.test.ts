import { describe, expect, it } from 'vitest';
import { findGhosts } from '../../src/model/ghosts.js';
import { indexRegistry } from '../../src/model/registry-index.js';
import { agent, workspace } from './synthetic.js';

describe('findGhosts', () => {
  const reg = indexRegistry([
    workspace([agent('b', 'running'), agent('a', 'blocked'), agent('c', 'completed'), agent('d', 'running'), agent('e', 'working', { tmuxSession: null })]),
  ]);

  it('active agents whose session is not on the server, by id', () => {
    expect(findGhosts(reg, new Set(['agent_d']), [{ available: true, error: null }]).map((g) => g.agentId)).toEqual(['a', 'b']);
  });

  it('nothing when tmux could not be asked', () => {
    expect(findGhosts(reg, new Set(), [{ available: false, error: null }])).toEqual([]);
    expect(findGhosts(reg, new Set(), [{ available: true, error: 'timeout' }])).toEqual([]);
  });
});
