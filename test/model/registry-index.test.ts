import { describe, expect, it } from 'vitest';
import { agentState, indexRegistry, registryWhole } from '../../src/model/registry-index.js';
import { agent, workspace } from './synthetic.js';

describe('registry index', () => {
  it('normalises the reference orchestrator words to active / terminal / unknown', () => {
    expect(['running', 'working', 'blocked', 'reviewing'].map((status) => agentState({ status }))).toEqual(['active', 'active', 'active', 'active']);
    expect(['completed', 'terminated', 'error', 'failed', 'killed', 'phase_completed'].every((status) => agentState({ status }) === 'terminal')).toBe(true);
    expect(agentState({ status: 'paused' })).toBe('unknown');
  });

  it('SQLite beats JSON where both name an agent; otherwise the first workspace wins', () => {
    const a = workspace([agent('x', 'running', { source: 'json' }), agent('y', 'running', { source: 'sqlite' })], { path: '/a' });
    const b = workspace([agent('x', 'completed', { source: 'sqlite' }), agent('y', 'completed', { source: 'json' })], { path: '/b' });
    const ix = indexRegistry([a, b]);
    expect(ix.byId.get('x')!.ws.path).toBe('/b');
    expect(ix.byId.get('y')!.ws.path).toBe('/a');
    expect(ix.bySession.get('agent_x')!.agent.status).toBe('completed');
  });

  it('is whole unless a workspace that exists had an error', () => {
    expect(registryWhole([workspace([]), workspace([], { error: 'gone', gone: true })])).toBe(true);
    expect(registryWhole([workspace([], { error: 'locked' })])).toBe(false);
  });
});
