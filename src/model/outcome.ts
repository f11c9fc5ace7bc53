// What executing a plan gives back: the outcome of each target, the executor's events and the whole
// execution, with the few pure words every report uses for them (a target's name, the outcome
// counts, a grace period). Below both actions/ (which produces them) and render/, cli/, ui/ (which
// show them): it imports nothing but types, and does no I/O.

export type Outcome = 'exited' | 'killed' | 'gone' | 'skipped-reused' | 'denied' | 'failed';

/** Every outcome, in the order reports list them. */
const OUTCOMES: readonly Outcome[] = ['exited', 'killed', 'gone', 'skipped-reused', 'denied', 'failed'];

export type ResultTarget =
  | { kind: 'process'; pid: number; startTime: number; command: string; role: string }
  | { kind: 'session'; id: string; name: string }
  | { kind: 'zombie'; pid: number; startTime: number; ppid: number };

export interface ActResult {
  step: number;
  target: ResultTarget;
  outcome: Outcome;
  /** Signals sent, in order ("SIGTERM", "SIGKILL", "SIGCHLD"), or tmux commands run. */
  sent: string[];
  /** One sentence: why it ended so, or the error. */
  detail: string | null;
  /** From the start of the execution to the outcome. */
  ms: number;
}

/** What the executor reports as it goes: the audit log and the console's event log both take these. */
export type ActEvent =
  | { event: 'begin'; intent: string; steps: number; targets: number; graceMs: number }
  | { event: 'signal'; step: number; pid: number; startTime: number; command: string; signal: string; error: string | null }
  | { event: 'tmux'; step: number; session: string; name: string; command: string; error: string | null }
  | { event: 'result'; result: ActResult }
  | { event: 'progress'; phase: number; done: number; total: number; graceLeftMs: number }
  | { event: 'end'; clean: boolean; remaining: number; durationMs: number };

export interface Execution {
  results: ActResult[];
  durationMs: number;
  /** Every target is gone (exited, killed, gone, or not ours any more: skipped-reused). */
  clean: boolean;
  /** The targets that are still there or could not be checked (denied, failed). */
  remaining: ActResult[];
}

/** An execution that did nothing (an empty plan, or one stopped before its first step). */
export function emptyExecution(durationMs = 0, clean = true): Execution {
  return { results: [], durationMs, clean, remaining: [] };
}

export function formatGrace(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : ms > 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

export function describeTarget(r: ActResult): string {
  const t = r.target;
  switch (t.kind) {
    case 'session':
      return `session ${t.id} ${t.name}`;
    case 'process':
      return `pid ${t.pid} ${t.command}`;
    case 'zombie':
      return `zombie ${t.pid} (parent ${t.ppid})`;
  }
}

/** "2 exited, 1 killed", or "nothing done". */
export function outcomeCounts(results: ActResult[]): string {
  const counts = new Map<Outcome, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return (
    OUTCOMES.filter((o) => counts.has(o))
      .map((o) => `${counts.get(o)} ${o}`)
      .join(', ') || 'nothing done'
  );
}

/** One result as one line: the event log's and the shutdown log's wording. */
export function resultLine(r: ActResult): string {
  return `${r.outcome}: ${describeTarget(r)}${r.sent.length ? ` [${r.sent.join(' → ')}]` : ''}${r.detail ? ` (${r.detail})` : ''}`;
}
