// Reads the orchestrator's JSON registries (versions up to early 2026), read-only:
//   <workspace>/registry/GLOBAL_REGISTRY.json   all tasks and agents
//   <workspace>/TASK-*/AGENT_REGISTRY.json       one task and its agents (richer)
// The orchestrator rewrites these files in place while it runs, so a read can catch one half
// written: a file that fails to parse is read once more after a short pause, then reported. Paths in
// them may hold an unexpanded "${workspaceFolder}"; they are data, never expanded or opened.

import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RegistryAgent } from '../model/types.js';
import { fsReason } from '../files.js';
import { registryAgent, str } from './registry-agent.js';
import { MiB, readRegularFile } from './regular-file.js';

const RETRY_DELAY_MS = 50;
// The largest real registry seen is a few hundred KiB; 64 MiB is far past any real one.
const REGISTRY_MAX_BYTES = 64 * MiB;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and parses a JSON file; one retry on a bad read. `missing` when it does not exist. */
export async function readJsonFile(path: string, retryDelayMs = RETRY_DELAY_MS): Promise<{ data: unknown } | { missing: true } | { error: string }> {
  let lastError = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, retryDelayMs));
    // A regular file under the cap only: a FIFO or /dev/zero planted as a registry cannot hang the look.
    const read = readRegularFile(path, REGISTRY_MAX_BYTES);
    if ('missing' in read) return { missing: true };
    if ('error' in read) {
      lastError = read.error;
      continue;
    }
    const text = read.text;
    try {
      return { data: JSON.parse(text) };
    } catch (e) {
      lastError = `not valid JSON (${(e as Error).message})`;
    }
  }
  return { error: `${path}: ${lastError}` };
}

function toAgent(id: string, a: Json, file: string, taskDescriptions: Map<string, string>): RegistryAgent {
  const taskId = str(a.task_id);
  return registryAgent(id, a, 'json', file, taskId ? (taskDescriptions.get(taskId) ?? null) : null);
}

export interface JsonRegistry {
  agents: RegistryAgent[];
  /** From the task files' client_cwd when set, else from the workspace path. */
  project: string | null;
  errors: string[];
  filesRead: number;
}

/** The project a workspace belongs to: <project>/.agent-workspace → "project". */
export function projectOf(workspace: string): string {
  const b = basename(workspace);
  return b === '.agent-workspace' || b === 'agent-workspace' ? basename(dirname(workspace)) : b;
}

export async function readJsonRegistry(workspace: string, retryDelayMs = RETRY_DELAY_MS): Promise<JsonRegistry> {
  const errors: string[] = [];
  let filesRead = 0;
  let project: string | null = null;
  const taskDescriptions = new Map<string, string>();
  // Candidates per agent id; the later last_update wins, a tie goes to the task file.
  const best = new Map<string, { agent: RegistryAgent; rank: number }>();
  const offer = (agent: RegistryAgent, fromTaskFile: boolean) => {
    const prev = best.get(agent.agentId);
    const rank = fromTaskFile ? 1 : 0;
    const newer =
      !prev || (agent.lastUpdate ?? '') > (prev.agent.lastUpdate ?? '') || ((agent.lastUpdate ?? '') === (prev.agent.lastUpdate ?? '') && rank > prev.rank);
    if (newer) best.set(agent.agentId, { agent, rank });
  };

  let taskDirs: string[] = [];
  try {
    taskDirs = (await readdir(workspace, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && d.name.startsWith('TASK-'))
      .map((d) => d.name)
      .sort();
  } catch (e) {
    return { agents: [], project: null, errors: [`workspace ${workspace}: ${fsReason(e)}`], filesRead: 0 };
  }

  const taskFiles = await Promise.all(
    taskDirs.map(async (d) => ({
      path: join(workspace, d, 'AGENT_REGISTRY.json'),
      r: await readJsonFile(join(workspace, d, 'AGENT_REGISTRY.json'), retryDelayMs),
    })),
  );
  const globalPath = join(workspace, 'registry', 'GLOBAL_REGISTRY.json');
  const global = await readJsonFile(globalPath, retryDelayMs);

  // Task descriptions first, so every agent can carry its task's.
  for (const { r } of taskFiles)
    if ('data' in r && isObj(r.data) && str(r.data.task_id) && str(r.data.task_description))
      taskDescriptions.set(str(r.data.task_id)!, str(r.data.task_description)!);
  if ('data' in global && isObj(global.data) && isObj(global.data.tasks))
    for (const [id, t] of Object.entries(global.data.tasks))
      if (isObj(t) && str(t.description) && !taskDescriptions.has(id)) taskDescriptions.set(id, str(t.description)!);

  for (const { path, r } of taskFiles) {
    if ('missing' in r) continue;
    if ('error' in r) {
      errors.push(r.error);
      continue;
    }
    filesRead++;
    const d = r.data;
    if (!isObj(d)) {
      errors.push(`${path}: not a JSON object`);
      continue;
    }
    const cwd = str(d.client_cwd);
    if (!project && cwd && !cwd.includes('${')) project = basename(cwd);
    if (d.agents === undefined) continue;
    if (!Array.isArray(d.agents)) {
      errors.push(`${path}: "agents" is not a list`);
      continue;
    }
    for (const a of d.agents) {
      if (!isObj(a) || !str(a.id)) continue;
      offer(toAgent(str(a.id)!, { task_id: d.task_id, ...a }, path, taskDescriptions), true);
    }
  }

  if ('error' in global) errors.push(global.error);
  else if ('data' in global) {
    filesRead++;
    const d = global.data;
    if (!isObj(d)) errors.push(`${globalPath}: not a JSON object`);
    else if (d.agents !== undefined && !isObj(d.agents)) errors.push(`${globalPath}: "agents" is not an object`);
    else if (isObj(d.agents)) for (const [id, a] of Object.entries(d.agents)) if (isObj(a)) offer(toAgent(id, a, globalPath, taskDescriptions), false);
  }

  const agents = [...best.values()].map((b) => b.agent).sort((a, b) => a.agentId.localeCompare(b.agentId));
  return { agents, project: project ?? projectOf(workspace), errors, filesRead };
}
