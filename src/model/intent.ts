// What a cleanup is asked to do (an Intent) and how it is named to people. Below both the plan and
// the table of finding kinds, which says which intents cover each kind. No rules, no I/O.

export type Intent =
  // orphan sessions, leaked processes, in-scope zombies; with enforceLimits, also the agent sessions
  // over a hard limit (model/limits.ts)
  | { kind: 'reap'; enforceLimits?: boolean }
  | { kind: 'kill-orphans' } // orphan sessions and leaked processes (no zombies)
  | { kind: 'kill-session'; sessionId: string; server?: string }
  | { kind: 'kill-leaked' }
  // SIGCHLD to every in-scope parent; a parent inside an active agent session is only nudged and
  // reported, except in the session named by endParentsOf (the user's explicit choice: the console's z
  // on that session), where it is terminated if it does not reap.
  | { kind: 'reap-zombies'; endParentsOf?: string; endParentsServer?: string }
  | { kind: 'shutdown'; orchestratorPid?: number }; // the orchestrator, then its sessions, leaks and zombies

export type IntentKind = Intent['kind'];

export function intentLabel(intent: Intent): string {
  switch (intent.kind) {
    case 'reap':
      return intent.enforceLimits
        ? 'reap (orphan sessions, leaked processes, zombies, agents over a hard limit)'
        : 'reap (orphan sessions, leaked processes, zombies)';
    case 'kill-orphans':
      return 'kill orphans (orphan sessions and leaked processes)';
    case 'kill-session':
      return `kill session ${intent.sessionId}${intent.server && intent.server !== 'default' ? ` on tmux ${intent.server}` : ''}`;
    case 'kill-leaked':
      return 'kill leaked processes';
    case 'reap-zombies':
      return intent.endParentsOf ? `reap zombies, ending their parents in session ${intent.endParentsOf}` : 'reap zombies';
    case 'shutdown':
      return 'graceful shutdown of the orchestrator';
  }
}

/** A short name for one-line messages ("kill orphans", "shutdown"). */
export function intentName(intent: Intent): string {
  return intent.kind === 'shutdown' ? 'shutdown' : intentLabel(intent).replace(/ \(.*\)$/, '');
}
