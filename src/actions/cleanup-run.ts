// One cleanup run: everything that happens after a plan is confirmed, the same for --reap,
// --shutdown and the console's keys. The audit log is opened before anything is touched (if it
// cannot be, nothing is, and AuditOpenError says why), the plan is recorded, executed, the world is
// looked at again, the survivors listed, the pane memory saved, a shutdown's record written, and the
// run ends with one "done" record. It prints nothing and knows no store: callers adapt its events
// and its result to their screen.

import { AuditOpenError, auditEvent, auditPlan, openAuditLog, type AuditLog } from './audit.js';
import { executePlan, type ExecuteOptions } from './execute.js';
import { recordShutdown, survivorsOf } from './record.js';
import { emptyExecution, formatGrace, outcomeCounts, resultLine, type ActEvent, type Execution } from '../model/outcome.js';
import { intentLabel, type Plan } from '../model/plan.js';
import type { Snapshot } from '../model/types.js';

export interface CleanupRunOptions {
  plan: Plan;
  /** The snapshot the plan was made from. */
  before: Snapshot;
  /** The audit log's path, and the mode its records carry ("reap", "shutdown", "console"). */
  audit: { path: string; mode: string };
  env: NodeJS.ProcessEnv;
  /** Who asked, as shutdown_state.json records it ("orch-top --shutdown (user ann)"). */
  requestedBy: string;
  /** A fresh look through the caller's engine and history (the executor's, and the one after). */
  look: () => Promise<Snapshot>;
  /** Writes the pane memory back after the look after; returns a problem to report, or null. */
  saveMemory?: () => string | null;
  onEvent?: (e: CleanupEvent) => void;
  /** Cancels: nothing more is signalled. A string reason names who cancelled ("SIGINT", "console"). */
  abort?: AbortSignal;
  /** Test hooks for the executor. */
  execute?: Pick<ExecuteOptions, 'pollMs' | 'killWaitMs' | 'reapWaitMs' | 'signal'>;
}

/** The executor's events, and `started` once the plan is on record and the first act is next. */
export type CleanupEvent = ActEvent | { event: 'started'; line: string };

export interface CleanupResult {
  startedAt: string;
  execution: Execution;
  /** The look after, or null when it failed (lookError says why). */
  after: Snapshot | null;
  lookError: string | null;
  /** What the executor could not settle, then what the look after still sees. */
  survived: string[];
  /** Nothing survived and nothing went wrong. */
  clean: boolean;
  /** Who cancelled ("SIGINT", "console"), or null. */
  cancelledBy: string | null;
  /** The executor stopped by an error. */
  error: string | null;
  /** The audit log could not be written once the plan ran (the plan still ran to its end), or null. */
  auditError: string | null;
  /** Where shutdown_state.json went (a shutdown only), or why it could not be written. */
  shutdown: { path: string; error: string | null } | null;
  memoryProblem: string | null;
  /** The run's lines, as a shutdown's log keeps them. */
  log: string[];
  /** One line for every mode: "<intent>: done in 1.2 s: 2 killed" (or "cancelled in"). */
  summary: string;
  /** The "done" record's message: "cleanup completed", "2 left", "cancelled (SIGINT); 1 left". */
  message: string;
}

/** Runs a confirmed plan end to end. Throws AuditOpenError (nothing touched) when it cannot record. */
export async function runCleanupPlan(o: CleanupRunOptions): Promise<CleanupResult> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const { plan } = o;
  const emit = o.onEvent ?? (() => {});
  const hasSteps = plan.steps.length > 0;
  // An act that cannot be recorded is not taken (DESIGN.md, rule 7); nothing to do writes nothing.
  const audit = hasSteps ? openAuditLog(o.audit.path, o.audit.mode) : null;
  const log: string[] = [];
  const note = (line: string) => {
    log.push(line);
    audit?.write({ event: 'note', message: line });
  };
  const cancelledBy = () => (o.abort?.aborted ? (typeof o.abort.reason === 'string' ? o.abort.reason : 'cancelled') : null);
  const onAbort = () => audit?.write({ event: 'cancel', by: cancelledBy() });
  o.abort?.addEventListener('abort', onAbort, { once: true });
  try {
    let ran: { execution: Execution; error: string | null } = { execution: emptyExecution(), error: null };
    if (audit) ran = await executeRecorded(o, audit, note, emit);
    const seen = await lookAfter(o);
    const survived = survivorsOf(plan, ran.execution, seen.after);
    const memoryProblem = o.saveMemory?.() ?? null;
    const shutdown =
      plan.intent.kind === 'shutdown'
        ? recordShutdown({ plan, execution: ran.execution, before: o.before, survived, log, startedAt, reason: o.requestedBy, env: o.env, audit })
        : null;
    const by = cancelledBy();
    audit?.write({
      event: 'done',
      clean: survived.length === 0,
      remaining: survived,
      outcomes: outcomeCounts(ran.execution.results),
      message: doneMessage(survived.length, ran.error === null, by),
    });
    audit?.close();
    const auditError = audit?.failure() ?? null;
    const result: CleanupResult = {
      startedAt,
      ...ran,
      ...seen,
      survived,
      auditError,
      clean: survived.length === 0 && ran.error === null && auditError === null,
      cancelledBy: by,
      shutdown: shutdown && { path: shutdown.path, error: shutdown.error },
      memoryProblem,
      log,
      summary: `${intentLabel(plan.intent)}: ${by ? 'cancelled' : 'done'} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${outcomeCounts(ran.execution.results)}`,
      message: doneMessage(survived.length, ran.error === null, by),
    };
    return result;
  } finally {
    o.abort?.removeEventListener('abort', onAbort);
    audit?.close();
  }
}

/** The one wording of how a run ended. */
function doneMessage(left: number, ranThrough: boolean, cancelledBy: string | null): string {
  if (cancelledBy) return `cancelled (${cancelledBy}); ${left} left`;
  if (left === 0 && ranThrough) return 'cleanup completed';
  return `${left} left`;
}

/** The plan on record, then executed with every event in the audit log and the run's log. */
async function executeRecorded(
  o: CleanupRunOptions,
  audit: AuditLog,
  note: (line: string) => void,
  emit: (e: CleanupEvent) => void,
): Promise<{ execution: Execution; error: string | null }> {
  const { plan } = o;
  auditPlan(audit, plan);
  // Nothing has been signalled yet: a plan that cannot be recorded is not run.
  const unwritable = audit.failure();
  if (unwritable) throw new AuditOpenError(unwritable);
  const line = `${intentLabel(plan.intent)}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}, grace ${formatGrace(plan.graceMs)}`;
  note(line);
  emit({ event: 'started', line });
  const t0 = Date.now();
  try {
    const execution = await executePlan(plan, {
      ...o.execute,
      look: o.look,
      abort: o.abort,
      onEvent: (e) => {
        auditEvent(audit, e);
        if (e.event === 'result') note(resultLine(e.result));
        emit(e);
      },
    });
    return { execution, error: null };
  } catch (e) {
    const message = (e as Error).message;
    audit.write({ event: 'error', message });
    return { execution: emptyExecution(Date.now() - t0, false), error: message };
  }
}

/** The look after (the executor's last one may predate its last kills). */
async function lookAfter(o: CleanupRunOptions): Promise<{ after: Snapshot | null; lookError: string | null }> {
  try {
    return { after: await o.look(), lookError: null };
  } catch (e) {
    return { after: null, lookError: (e as Error).message };
  }
}
