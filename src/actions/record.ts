// What a cleanup leaves on record: what the look after it still sees (remainingAfter), and for a
// graceful shutdown, shutdown_state.json with its log ending "cleanup completed" only when nothing
// survived. Shared by --reap/--shutdown and the console's keys.

import { join } from 'node:path';
import type { AuditLog } from './audit.js';
import { stateDir } from '../config.js';
import { isDir, writeFileAtomic } from '../files.js';
import { describeTarget, type ActResult, type Execution } from '../model/outcome.js';
import type { Plan } from '../model/plan.js';
import { remainingAfter as remainingInModel } from '../model/remaining.js';
import type { Snapshot } from '../model/types.js';
import { version } from '../version.js';

/** What a cleanup could not remove, as the look after it sees it: only what its intent covers (K
 *  does not promise to reap zombies, so zombies left after it are not its failure). */
export function remainingAfter(plan: Plan, after: Snapshot): string[] {
  return remainingInModel(plan, after);
}

/** Everything a cleanup leaves: targets it could not settle, then what the look after still sees. */
export function survivorsOf(plan: Plan, execution: Execution, after: Snapshot | null): string[] {
  return [
    ...execution.remaining.map((r) => `${describeTarget(r)}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`),
    ...(after ? remainingAfter(plan, after) : []),
  ];
}

export interface ShutdownState {
  version: 1;
  by: string;
  reason: string;
  startedAt: string;
  finishedAt: string;
  graceMs: number;
  orchestrator: { pid: number; startTime: number; command: string; workspace: string | null; outcome: string | null; sent: string[] } | null;
  stopped: { target: ActResult['target']; outcome: string; sent: string[] }[];
  survived: string[];
  cleanupCompleted: boolean;
  log: string[];
}

/** Where shutdown_state.json goes: the orchestrator's workspace, else the first watched one, else orch-top's state dir. */
function shutdownStatePath(snap: Snapshot, env: NodeJS.ProcessEnv, orchestratorWorkspace: string | null): string {
  const candidates = [orchestratorWorkspace, ...snap.workspaces.filter((w) => w.readable).map((w) => w.path)].filter((p): p is string => !!p);
  const ws = candidates.find(isDir);
  return join(ws ?? stateDir(env), 'shutdown_state.json');
}

/**
 * Ends a shutdown's log ("cleanup completed" only when nothing survived) and writes
 * shutdown_state.json beside the orchestrator's workspace: the CLI's --shutdown and the console's S.
 */
export function recordShutdown(a: {
  plan: Plan;
  execution: Execution;
  before: Snapshot;
  survived: string[];
  log: string[];
  startedAt: string;
  reason: string;
  env: NodeJS.ProcessEnv;
  audit: AuditLog | null;
}): { path: string; state: ShutdownState; error: string | null } {
  const { plan, execution, before, survived, log } = a;
  const note = (line: string) => {
    log.push(line);
    a.audit?.write({ event: 'note', message: line });
  };
  const orchStep = plan.steps.find((s) => s.kind === 'orchestrator');
  const root = orchStep?.kind === 'orchestrator' ? orchStep.processes[0] : undefined;
  const rootResult = root ? execution.results.find((r) => r.target.kind === 'process' && r.target.pid === root.pid) : undefined;
  const orchView = root ? before.orchestrators.find((o) => o.pid === root.pid) : undefined;
  const clean = survived.length === 0;
  if (!root) note('no orchestrator was running: only what it left behind was cleaned up');
  for (const s of survived) note(`survived: ${s}`);
  note(clean ? 'cleanup completed' : `cleanup incomplete: ${survived.length} left`);
  const state: ShutdownState = {
    version: 1,
    by: `orch-top ${version()}`,
    reason: a.reason,
    startedAt: a.startedAt,
    finishedAt: new Date().toISOString(),
    graceMs: plan.graceMs,
    orchestrator: root
      ? {
          pid: root.pid,
          startTime: root.startTime,
          command: root.command,
          workspace: orchView?.workspace ?? null,
          outcome: rootResult?.outcome ?? null,
          sent: rootResult?.sent ?? [],
        }
      : null,
    stopped: execution.results
      .filter((r) => r.outcome !== 'denied' && r.outcome !== 'failed')
      .map((r) => ({ target: r.target, outcome: r.outcome, sent: r.sent })),
    survived,
    cleanupCompleted: clean,
    log,
  };
  const path = shutdownStatePath(before, a.env, orchView?.workspace ?? null);
  try {
    writeFileAtomic(path, JSON.stringify(state, null, 2) + '\n', 0o644);
    a.audit?.write({ event: 'shutdown-state', path });
    return { path, state, error: null };
  } catch (e) {
    return { path, state, error: `could not write ${path}: ${(e as Error).message}` };
  }
}
