// The JSON registries the real orchestrator wrote (copied to a temp dir first; fixtures are never
// opened in place).
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFile, readJsonRegistry, projectOf } from '../../src/collectors/registry-json.js';
import { discoverWorkspaces, readWorkspace } from '../../src/collectors/workspaces.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'real-workspace');
let dir: string;
let ws: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-reg-'));
  ws = join(dir, 'proj', '.agent-workspace');
  cpSync(FIXTURE, ws, { recursive: true });
  chmodSync(ws, 0o755);
  for (const sub of ['registry', ...require_dirs(ws)]) chmodSync(join(ws, sub), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
function require_dirs(root: string): string[] {
  return [
    'TASK-20251017-213512-5169d812',
    'TASK-20251017-215604-df6a3cbd',
    'TASK-20251018-212410-ec53cbb6',
    'TASK-20251018-213115-d9cfa244',
    'TASK-20251018-220858-1d09b188',
  ].filter((d) => {
    try {
      readFileSync(join(root, d, 'AGENT_REGISTRY.json'));
      return true;
    } catch {
      return false;
    }
  });
}
const taskFile = (t: string) => join(ws, t, 'AGENT_REGISTRY.json');

describe('the real registry files', () => {
  it('reads every agent, with its status, session, task and description', async () => {
    const r = await readJsonRegistry(ws);
    expect(r.errors).toEqual([]);
    expect(r.filesRead).toBe(6);
    const global = JSON.parse(readFileSync(join(ws, 'registry', 'GLOBAL_REGISTRY.json'), 'utf8'));
    expect(r.agents).toHaveLength(new Set([...Object.keys(global.agents)]).size);
    for (const a of r.agents) {
      expect(a.tmuxSession).toBe(`agent_${a.agentId}`);
      expect(a.source).toBe('json');
      expect(a.agentId).toMatch(/^[a-z_]+-\d{6}-[0-9a-f]{6}$/);
    }
    const working = r.agents.find((a) => a.agentId === 'jsonl_architecture_planner-215640-c3f469')!;
    expect(working).toMatchObject({ status: 'working', taskId: 'TASK-20251017-215604-df6a3cbd', type: 'jsonl_architecture_planner' });
    expect(working.taskDescription).toMatch(/JSONL stream logs/);
    expect(new Set(r.agents.map((a) => a.status))).toEqual(new Set(['completed', 'working']));
    expect(r.project).toBe('proj');
  });

  it('copes with the unexpanded ${workspaceFolder} in paths', async () => {
    expect(readFileSync(taskFile('TASK-20251018-213115-d9cfa244'), 'utf8')).toContain('${workspaceFolder}');
    const r = await readJsonRegistry(ws);
    expect(r.agents.find((a) => a.taskId === 'TASK-20251018-213115-d9cfa244')).toBeDefined();
  });

  it('the later last_update wins where both files name an agent', async () => {
    const t = 'TASK-20251017-215604-df6a3cbd';
    const d = JSON.parse(readFileSync(taskFile(t), 'utf8'));
    d.agents[1].status = 'completed';
    d.agents[1].last_update = '2030-01-01T00:00:00';
    writeFileSync(taskFile(t), JSON.stringify(d));
    const r = await readJsonRegistry(ws);
    expect(r.agents.find((a) => a.agentId === d.agents[1].id)!.status).toBe('completed');
  });
});

describe('a registry being rewritten or broken', () => {
  it('a truncated file is retried once, then reported in one line; the rest still loads', async () => {
    const t = 'TASK-20251018-220858-1d09b188';
    writeFileSync(taskFile(t), readFileSync(taskFile(t), 'utf8').slice(0, 100));
    const r = await readJsonRegistry(ws);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(new RegExp(`${t}/AGENT_REGISTRY.json: not valid JSON`));
    expect(r.agents.length).toBeGreaterThan(20);
  });

  it('a file rewritten correctly during the retry window loads with no error', async () => {
    const t = 'TASK-20251018-212410-ec53cbb6';
    const good = readFileSync(taskFile(t), 'utf8');
    writeFileSync(taskFile(t), good.slice(0, 50));
    const fix = setTimeout(() => writeFileSync(taskFile(t), good), 20);
    const r = await readJsonFile(taskFile(t), 200);
    clearTimeout(fix);
    expect('data' in r).toBe(true);
  });

  it('wrong-typed agents is one line, no crash', async () => {
    writeFileSync(join(ws, 'registry', 'GLOBAL_REGISTRY.json'), JSON.stringify({ agents: [1, 2] }));
    const r = await readJsonRegistry(ws);
    expect(r.errors).toEqual([`${join(ws, 'registry', 'GLOBAL_REGISTRY.json')}: "agents" is not an object`]);
  });

  it('an empty workspace has no agents and no error', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(await readJsonRegistry(empty)).toMatchObject({ agents: [], errors: [], filesRead: 0 });
  });
});

describe('workspaces', () => {
  it('flags replace discovery; otherwise the env variable and ./.agent-workspace when they exist', () => {
    const env = { CLAUDE_ORCHESTRATOR_WORKSPACE: ws };
    expect(discoverWorkspaces({ flags: ['a', '/b'], env, cwd: dir }).refs).toEqual([
      { path: join(dir, 'a'), how: 'flag' },
      { path: '/b', how: 'flag' },
    ]);
    expect(discoverWorkspaces({ flags: [], env, cwd: join(dir, 'proj') }).refs).toEqual([{ path: ws, how: 'env' }]); // same dir twice: once
    expect(discoverWorkspaces({ flags: [], env: {}, cwd: join(dir, 'proj') }).refs).toEqual([{ path: ws, how: 'cwd' }]);
    expect(discoverWorkspaces({ flags: [], env: { CLAUDE_ORCHESTRATOR_WORKSPACE: join(dir, 'gone') }, cwd: dir }).refs).toEqual([]);
  });

  it('a gone workspace, a file, and a good one: each reported on its own', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const [gone, file, good] = await Promise.all([
      readWorkspace({ path: join(dir, 'gone'), how: 'flag' }),
      readWorkspace({ path: join(dir, 'file'), how: 'flag' }),
      readWorkspace({ path: ws, how: 'flag' }),
    ]);
    expect(gone).toMatchObject({ readable: false, error: `workspace ${join(dir, 'gone')}: not found`, agents: [] });
    expect(file).toMatchObject({ readable: false, error: `workspace ${join(dir, 'file')}: is not a directory` });
    expect(good).toMatchObject({ readable: true, error: null, project: 'proj' });
    expect(good.agents.length).toBeGreaterThan(20);
  });

  it('names the project after the directory holding .agent-workspace', () => {
    expect(projectOf('/home/u/payments/.agent-workspace')).toBe('payments');
    expect(projectOf('/srv/ws-main')).toBe('ws-main');
  });
});
