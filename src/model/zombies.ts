// Zombies: every process in state Z, with its parent (who must reap it) and whether that parent is
// in the orchestrator's scope. Pure.

import type { SeenPane } from './history.js';
import { commandOf } from './process-index.js';
import type { ProcInfo, ZombieView } from './types.js';

export interface ZombiesInput {
  procs: Map<number, ProcInfo>;
  /** The watched servers' pids, of those that run. */
  serverPids: ReadonlySet<number>;
  /** Pane pids of agent sessions, live now. */
  livePanePids: Iterable<number>;
  seenPanes: Iterable<SeenPane>;
  /** The session that holds a process (its id and server), if any. */
  sessionOf: (pid: number) => { sessionId: string; server: string } | null;
  /** A process of an agent session, a leak or the orchestrators' trees. */
  inScope: (pid: number) => boolean;
}

/**
 * Pane pids of agent sessions, now or as seen. WORKAROUND(tmux 3.3a): the server now and then loses
 * a SIGCHLD under load, and a dead agent pane's process stays a zombie of the server until its next
 * child exits; such a zombie has the pane's pid.
 */
function agentPanePids(x: ZombiesInput): Set<number> {
  const out = new Set<number>(x.livePanePids);
  for (const sp of x.seenPanes) if (sp.agent && x.serverPids.has(sp.serverPid)) out.add(sp.panePid);
  return out;
}

export function findZombies(x: ZombiesInput): ZombieView[] {
  const panePids = agentPanePids(x);
  const zombies: ZombieView[] = [];
  for (const p of x.procs.values()) {
    if (p.state !== 'Z') continue;
    const parent = x.procs.get(p.ppid);
    const ofServer = x.serverPids.has(p.ppid);
    const home = x.sessionOf(p.ppid);
    zombies.push({
      pid: p.pid,
      startTime: p.startTime,
      ppid: p.ppid,
      parentStartTime: parent?.startTime ?? null,
      command: `[${p.comm}]`,
      parentCommand: parent ? commandOf(parent) : null,
      parentInScope: x.inScope(p.ppid) || (ofServer && panePids.has(p.pid)),
      parentIsTmuxServer: ofServer,
      sessionId: home?.sessionId ?? null,
      server: home?.server ?? null,
      startedAt: p.startedAt,
    });
  }
  return zombies.sort((a, b) => Number(b.parentInScope) - Number(a.parentInScope) || a.ppid - b.ppid || a.pid - b.pid);
}
