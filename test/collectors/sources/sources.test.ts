// The list of agent-state sources and how places are found and merged, on synthetic sources: find is
// called once per distinct function, each place is read by the sources that found it, precedence
// decides an agent two sources name, errors keep the list's order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_NAMES, SOURCES, type AgentStateSource, type FindContext, type SourceRead } from '../../../src/collectors/sources/index.js';
import { orchestratorState } from '../../../src/collectors/sources/orchestrator.js';
import { findPlaces, readWorkspace } from '../../../src/collectors/workspaces.js';
import { MANAGERS } from '../../../src/config.js';
import type { AgentSource, RegistryAgent } from '../../../src/model/types.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-sources-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CTX: FindContext = { flags: [], env: {}, cwd: '/' };

const agent = (agentId: string, status: string, source: AgentSource): RegistryAgent => ({
  agentId,
  taskId: null,
  type: null,
  status,
  state: orchestratorState(status),
  tmuxSession: `agent_${agentId}`,
  parent: null,
  startedAt: null,
  lastUpdate: null,
  completedAt: null,
  taskDescription: null,
  source,
  file: `/${source}`,
  claudePid: null,
  cursorPid: null,
});

function fake(name: AgentSource, precedence: number, find: AgentStateSource['find'], read: Partial<SourceRead>): AgentStateSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    name,
    manager: 'orchestrator',
    precedence,
    find,
    reads,
    normalise: orchestratorState,
    async read(place) {
      reads.push(place);
      return { present: true, readOk: true, agents: [], project: null, errors: [], ...read };
    },
  };
}

describe('the list of sources', () => {
  it('holds the reference orchestrator first (SQLite, then JSON, SQLite winning; one find for both), then each manager', () => {
    expect(SOURCES.map((s) => [s.name, s.manager, s.precedence])).toEqual([
      ['sqlite', 'orchestrator', 2],
      ['json', 'orchestrator', 1],
      ['claude-squad', 'claude-squad', 1],
      ['agent-deck', 'agent-deck', 1],
      ['gastown', 'gastown', 1],
      ['agent-of-empires', 'agent-of-empires', 1],
    ]);
    expect(MANAGER_NAMES).toEqual([...MANAGERS]);
    expect(new Set(SOURCES.map((s) => s.name)).size).toBe(SOURCES.length);
    expect(SOURCES[0]!.find).toBe(SOURCES[1]!.find);
  });

  it("normalises the orchestrator's words, keeping anything else as unknown", () => {
    for (const w of ['running', 'working', 'blocked', 'reviewing']) expect(orchestratorState(w)).toBe('active');
    for (const w of ['completed', 'terminated', 'error', 'failed', 'killed', 'phase_completed']) expect(orchestratorState(w)).toBe('terminal');
    for (const w of ['unknown', 'paused', 'Running', '']) expect(orchestratorState(w)).toBe('unknown');
    for (const s of SOURCES.filter((x) => x.manager === 'orchestrator')) expect(s.normalise('killed')).toBe('terminal');
  });
});

describe('findPlaces', () => {
  it('calls each find function once, reads a place with the sources that found it, extras with all', () => {
    let calls = 0;
    const shared = () => (
      calls++,
      {
        refs: [
          { path: '/a', how: 'flag' as const },
          { path: '/b', how: 'flag' as const },
        ],
        errors: ['index: locked'],
      }
    );
    const own = () => ({
      refs: [
        { path: '/b', how: 'home' as const },
        { path: '/c', how: 'home' as const },
      ],
      errors: [],
    });
    const x = fake('sqlite', 2, shared, {});
    const y = fake('json', 1, shared, {});
    const z = fake('json', 0, own, {});
    const { places, errors } = findPlaces(
      CTX,
      [
        { path: '/demo', how: 'demo' },
        { path: '/a', how: 'demo' },
      ],
      [x, y, z],
    );
    expect(calls).toBe(1);
    expect(errors).toEqual(['index: locked']);
    expect(places.map((p) => [p.ref.path, p.ref.how, p.sources.map((s) => [x, y, z].indexOf(s as never))])).toEqual([
      ['/demo', 'demo', [0, 1, 2]],
      ['/a', 'demo', [0, 1, 2]], // the first ref of a path is kept
      ['/b', 'flag', [0, 1, 2]],
      ['/c', 'home', [2]],
    ]);
  });
});

describe('readWorkspace through sources', () => {
  it('the higher precedence wins an agent both name; errors in list order; readable when one source read', async () => {
    const low = fake('json', 1, () => ({ refs: [], errors: [] }), {
      agents: [agent('a', 'completed', 'json'), agent('b', 'working', 'json')],
      project: 'from-json',
      errors: ['/x.json: not valid JSON'],
    });
    const high = fake('sqlite', 2, low.find, {
      agents: [agent('a', 'running', 'sqlite')],
      project: null,
      readOk: false,
      errors: ['/s.sqlite3: database is locked'],
    });
    const w = await readWorkspace({ path: dir, how: 'flag' }, [low, high]);
    expect(w.agents.map((a) => [a.agentId, a.status, a.state, a.source])).toEqual([
      ['a', 'running', 'active', 'sqlite'],
      ['b', 'working', 'active', 'json'],
    ]);
    expect(w.error).toBe('/x.json: not valid JSON; /s.sqlite3: database is locked');
    expect(w.readable).toBe(true);
    expect(w.project).toBe('from-json');
    expect(low.reads).toEqual([dir]);
  });

  it('no source read and one failed: unreadable; nothing there and nothing failed: readable', async () => {
    const failed = fake('sqlite', 2, () => ({ refs: [], errors: [] }), { readOk: false, errors: ['/s: file is not a database'] });
    const empty = fake('json', 1, failed.find, { present: false, readOk: false });
    expect(await readWorkspace({ path: dir, how: 'flag' }, [failed, empty])).toMatchObject({
      readable: false,
      error: '/s: file is not a database',
      agents: [],
    });
    expect(await readWorkspace({ path: dir, how: 'flag' }, [empty])).toMatchObject({ readable: true, error: null, agents: [] });
  });

  it('fills the normalised state on what the real sources read', async () => {
    const w = await readWorkspace({ path: join(import.meta.dirname, '..', '..', 'fixtures', 'real-workspace'), how: 'flag' });
    expect(w.agents.length).toBeGreaterThan(20);
    for (const a of w.agents) expect(a.state).toBe(orchestratorState(a.status));
  });
});
