// The audit log: every act orch-top takes and its outcome, one JSON object per line, appended to
// $XDG_STATE_HOME/orch-top/audit.jsonl (default ~/.local/state/orch-top/audit.jsonl), mode 0600.
// It is opened before anything is touched: an action that could not be recorded is not taken.
// Lines are written synchronously, so a record survives orch-top being killed mid-action.

import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { stateDir } from '../config.js';
import { fsReason } from '../files.js';
import type { ActEvent } from '../model/outcome.js';
import type { Plan } from '../model/plan.js';

export function defaultAuditPath(env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'audit.jsonl');
}

export class AuditOpenError extends Error {
  override name = 'AuditOpenError';
}

export interface AuditLog {
  readonly path: string;
  readonly run: string;
  /** Appends one line. Never throws: once the plan runs, a failing write must not stop it (rule 9). */
  write(record: Record<string, unknown>): void;
  /** Why a write failed (the first failure; later records are not attempted), or null. */
  failure(): string | null;
  close(): void;
}

let runCounter = 0;

/** The plan about to run, as the audit log records it (before the first signal). */
export function auditPlan(audit: AuditLog, plan: Plan): void {
  audit.write({ event: 'plan', intent: plan.intent, graceMs: plan.graceMs, socket: plan.socket, basedOn: plan.basedOn, steps: plan.steps, left: plan.left });
}

/** Opens (creating with mode 0600, its directory 0700) for appending; throws AuditOpenError with one line. */
export function openAuditLog(path: string, mode: string): AuditLog {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    fd = openSync(path, 'a', 0o600);
    // A file that existed with looser permissions is tightened: it names processes and commands.
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      throw new AuditOpenError(`audit log ${path}: is not a regular file`);
    }
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fchmodSync(fd, 0o600);
  } catch (e) {
    if (e instanceof AuditOpenError) throw e;
    const why = fsReason(e, { ENOTDIR: 'a parent is not a directory', EEXIST: 'a parent is not a directory' });
    throw new AuditOpenError(`audit log ${path}: ${why} (choose another with --audit-log PATH)`);
  }
  const run = `${Date.now().toString(36)}-${process.pid}-${++runCounter}`;
  let user = '?';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  const base = { run, mode, user, host: hostname(), pid: process.pid };
  let open = true;
  let failed: string | null = null;
  return {
    path,
    run,
    write(record) {
      if (!open || failed) return;
      // Signals may already be out (a disk that fills during the grace period): the escalation goes
      // on, and the caller reports the failure once, at the end.
      try {
        const line = Buffer.from(JSON.stringify({ time: new Date().toISOString(), ...base, ...record }) + '\n');
        const n = writeSync(fd, line);
        if (n < line.length) failed = `audit log ${path}: short write (${n} of ${line.length} bytes; disk full?)`;
      } catch (e) {
        failed = `audit log ${path}: ${fsReason(e, { ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded' })}`;
      }
    },
    failure: () => failed,
    close() {
      if (!open) return;
      open = false;
      try {
        closeSync(fd);
      } catch (e) {
        failed ??= `audit log ${path}: ${fsReason(e)}`;
      }
    },
  };
}

/** The executor's events as audit records (progress ticks are not acts and are not logged). */
export function auditEvent(log: AuditLog, e: ActEvent): void {
  if (e.event === 'progress') return;
  if (e.event === 'result') {
    const { result } = e;
    log.write({ event: 'result', step: result.step, target: result.target, outcome: result.outcome, sent: result.sent, detail: result.detail, ms: result.ms });
    return;
  }
  log.write({ ...e });
}
