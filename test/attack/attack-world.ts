// Shared pieces of the attack suite (issue 12): orch-top run as a user or a timer runs it, and a
// workspace whose registry names the agents. Every process is started through the pool and torn down.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');

export function orchTop(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '', ...env },
    cwd: dir,
    timeout: 30_000,
  });
}

/** A workspace whose JSON registry names each agent with its session and status. */
export function writeWorkspace(ws: string, agents: { id: string; session: string; status: string }[]): string {
  mkdirSync(join(ws, 'registry'), { recursive: true });
  const started = new Date(Date.now() - 3_600_000).toISOString().slice(0, -1);
  const entries = Object.fromEntries(
    agents.map((a) => [a.id, { task_id: 'TASK-1', type: 'worker', parent: 'orchestrator', started_at: started, tmux_session: a.session, status: a.status }]),
  );
  writeFileSync(
    join(ws, 'registry', 'GLOBAL_REGISTRY.json'),
    JSON.stringify({ tasks: { 'TASK-1': { description: 't', status: 'INITIALIZED' } }, agents: entries }),
  );
  return ws;
}
